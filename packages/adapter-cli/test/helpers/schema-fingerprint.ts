/** A pg pool or client (this package does not depend on pg itself). */
interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Array<{ line: string }> }>;
}

/**
 * Every column (type, nullability, default, generation), index, constraint and trigger of the
 * public schema, as sorted lines: two equal fingerprints mean no DDL ran in between.
 */
export async function schemaFingerprint(pool: Queryable): Promise<string[]> {
  const { rows } = await pool.query(`
    SELECT format('column %s.%s %s notnull=%s default=%s generated=%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                  a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attgenerated) AS line
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
    UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL SELECT format('constraint %s %s %s', con.conrelid::regclass, con.conname, pg_get_constraintdef(con.oid))
      FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace WHERE n.nspname = 'public'
    UNION ALL SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT t.tgisinternal
    UNION ALL SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
    UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`);
  return rows.map((r) => r.line).sort();
}

/** (column, data type, generated) of a table, as information_schema reports them: what a query written against it can rely on. */
export async function informationSchemaColumns(pool: Queryable, table: string): Promise<string[]> {
  const { rows } = await pool.query(
    `SELECT format('%s %s generated=%s', column_name, data_type, is_generated) AS line
     FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
    [table],
  );
  return rows.map((r) => r.line).sort();
}
