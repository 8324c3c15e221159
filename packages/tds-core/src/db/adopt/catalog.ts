import { sql, type Kysely } from 'kysely';

export interface ColumnShape {
  name: string;
  /** format_type(): 'numeric(10,2)', 'character varying(255)', 'timestamp without time zone', … */
  type: string;
  notNull: boolean;
  /** The DEFAULT expression as PostgreSQL prints it, or null. */
  defaultExpr: string | null;
  generated: boolean;
}

export interface ConstraintShape {
  name: string;
  /** 'c' check, 'u' unique. */
  kind: 'c' | 'u';
  definition: string;
  /** Columns of a unique constraint, in order. */
  columns: string[];
}

export interface TableShape {
  columns: ColumnShape[];
  constraints: ConstraintShape[];
  /** Column lists of every unique index (constraint or not), each joined with ','. */
  uniqueIndexes: string[];
}

/** The shape of a table in the first schema of the search_path, or null when it does not exist there. */
export async function readTableShape(db: Kysely<any>, table: string): Promise<TableShape | null> {
  const { rows: found } = await sql<{ oid: number }>`
    SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relname = ${table} AND c.relkind IN ('r', 'p')`.execute(db);
  if (found.length === 0) return null;
  const oid = found[0]!.oid;
  const { rows: columns } = await sql<ColumnShape>`
    SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull",
           CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END AS "defaultExpr",
           a.attgenerated <> '' AS generated
    FROM pg_attribute a
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = ${oid} AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY a.attnum`.execute(db);
  const { rows: constraints } = await sql<ConstraintShape>`
    SELECT con.conname AS name, con.contype AS kind, pg_get_constraintdef(con.oid) AS definition,
           coalesce(array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord), '{}') AS columns
    FROM pg_constraint con
    WHERE con.conrelid = ${oid} AND con.contype IN ('c', 'u')
    ORDER BY con.conname`.execute(db);
  const { rows: unique } = await sql<{ columns: string }>`
    SELECT string_agg(a.attname, ',' ORDER BY k.ord) AS columns
    FROM pg_index i
    CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num
    WHERE i.indrelid = ${oid} AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
    GROUP BY i.indexrelid`.execute(db);
  return { columns, constraints, uniqueIndexes: unique.map((u) => u.columns) };
}
