import pg from 'pg';

/**
 * Empties tables between tests: one TRUNCATE of all of them (so foreign keys between them do not
 * refuse it), identities restarted, and tables that reference them emptied too (CASCADE).
 */
export async function truncateTables(pool: pg.Pool | pg.Client, tables: readonly string[]): Promise<void> {
  if (tables.length === 0) throw new Error('truncateTables needs at least one table');
  const names = tables.map((table) => pg.escapeIdentifier(table)).join(', ');
  await pool.query(`TRUNCATE ${names} RESTART IDENTITY CASCADE`);
}
