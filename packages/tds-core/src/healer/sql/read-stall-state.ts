import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export interface StallState {
  /** Pending items due now. */
  ready: number;
  /** Seconds the longest-waiting due item has been due. */
  oldest_ready_seconds: number | null;
  /** Seconds since the last item completed (null: none ever did, or completed rows were purged). */
  since_last_completion_seconds: number | null;
}

/** What stall detection needs: is due work waiting, for how long, and when did anything last finish. */
export async function readStallState(db: Kysely<Database>): Promise<StallState> {
  const { rows } = await sql<{ ready: string; oldest_ready_seconds: number | null; since_last_completion_seconds: number | null }>`
SELECT
  (SELECT count(*) FROM tds_sync_queue WHERE status = 'pending' AND run_after <= now()) AS ready,
  (SELECT extract(epoch FROM now() - min(greatest(created_at, run_after)))::float8
     FROM tds_sync_queue WHERE status = 'pending' AND run_after <= now()) AS oldest_ready_seconds,
  (SELECT extract(epoch FROM now() - max(completed_at))::float8
     FROM tds_sync_queue WHERE status = 'completed') AS since_last_completion_seconds`.execute(db);
  const row = rows[0];
  return { ready: Number(row.ready), oldest_ready_seconds: row.oldest_ready_seconds, since_last_completion_seconds: row.since_last_completion_seconds };
}
