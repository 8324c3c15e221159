import { sql, type Kysely } from 'kysely';

/**
 * Every table of the public schema with a digest of all its rows: two equal fingerprints mean
 * nothing was written in between (no row added, changed or deleted, no table created).
 */
export async function databaseFingerprint(db: Kysely<any>): Promise<Record<string, string>> {
  const { rows: tables } = await sql<{ name: string }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`.execute(db);
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const { rows } = await sql<{ n: string; digest: string | null }>`
      SELECT count(*)::text AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM ${sql.table(name)} t`.execute(db);
    out[name] = `${rows[0]!.n}:${rows[0]!.digest ?? ''}`;
  }
  return out;
}
