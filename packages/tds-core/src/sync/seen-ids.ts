import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';

/**
 * The ids a full pass saw, in tds_sync_seen_ids under the run's id rather than in memory, so a pass
 * over any catalogue size runs in constant memory. A regular table, not a temporary one on the run
 * lock's connection: losing that connection must stop the run cleanly, not lose its bookkeeping.
 */
export class SeenIds {
  private constructor(
    private readonly db: Kysely<Database>,
    private readonly runId: string,
  ) {}

  /** Also clears what runs that are no longer running left behind (a process killed mid-pass). */
  static async create(db: Kysely<Database>, runId: string): Promise<SeenIds> {
    await sql`
DELETE FROM tds_sync_seen_ids s
WHERE NOT EXISTS (SELECT 1 FROM tds_sync_runs r WHERE r.id = s.run_id AND r.status = 'running')`.execute(db);
    return new SeenIds(db, runId);
  }

  async add(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await sql`
INSERT INTO tds_sync_seen_ids (run_id, zoho_id) SELECT ${this.runId}::bigint, unnest(${[...ids]}::text[])
ON CONFLICT DO NOTHING`.execute(this.db);
  }

  /** Stored, not deleted ids the pass did not see, in id order, `limit` at a time after `after`. */
  async missing(table: string, key: string, after: string | null, limit: number): Promise<string[]> {
    const { rows } = await sql<{ id: string }>`
SELECT t.${sql.ref(key)} AS id
FROM ${sql.table(table)} t
WHERE t.deleted_at IS NULL
  -- A row without a Zoho id is the ERP's own (an adopted TSH table: docs/seed-schema.md), never Zoho's.
  AND t.${sql.ref(key)} IS NOT NULL
  AND (${after}::text IS NULL OR t.${sql.ref(key)} > ${after}::text)
  AND NOT EXISTS (SELECT 1 FROM tds_sync_seen_ids s WHERE s.run_id = ${this.runId}::bigint AND s.zoho_id = t.${sql.ref(key)})
ORDER BY t.${sql.ref(key)}
LIMIT ${limit}`.execute(this.db);
    return rows.map((r) => r.id);
  }

  async drop(): Promise<void> {
    await sql`DELETE FROM tds_sync_seen_ids WHERE run_id = ${this.runId}::bigint`.execute(this.db);
  }
}
