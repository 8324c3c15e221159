import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';

/**
 * The ids a full pass saw, kept in a temporary table on the run's own connection rather than in
 * memory, so a pass over any catalogue size runs in constant memory.
 */
export class SeenIds {
  private constructor(private readonly conn: Kysely<Database>) {}

  static async create(conn: Kysely<Database>): Promise<SeenIds> {
    await sql`CREATE TEMP TABLE IF NOT EXISTS tds_sync_seen (zoho_id text PRIMARY KEY)`.execute(conn);
    await sql`TRUNCATE tds_sync_seen`.execute(conn);
    return new SeenIds(conn);
  }

  async add(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await sql`INSERT INTO tds_sync_seen (zoho_id) SELECT unnest(${[...ids]}::text[]) ON CONFLICT DO NOTHING`.execute(this.conn);
  }

  /** Stored, not deleted ids the pass did not see, in id order, `limit` at a time after `after`. */
  async missing(table: string, key: string, after: string | null, limit: number): Promise<string[]> {
    const { rows } = await sql<{ id: string }>`
SELECT t.${sql.ref(key)} AS id
FROM ${sql.table(table)} t
WHERE t.deleted_at IS NULL
  AND (${after}::text IS NULL OR t.${sql.ref(key)} > ${after}::text)
  AND NOT EXISTS (SELECT 1 FROM tds_sync_seen s WHERE s.zoho_id = t.${sql.ref(key)})
ORDER BY t.${sql.ref(key)}
LIMIT ${limit}`.execute(this.conn);
    return rows.map((r) => r.id);
  }

  async drop(): Promise<void> {
    await sql`DROP TABLE IF EXISTS tds_sync_seen`.execute(this.conn);
  }
}
