import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export interface ResumeSignal {
  completed_since: number;
  heartbeats_since: number;
}

/** Did anything complete, and did any live worker beat, after `since` (a database timestamp)? */
export async function readResumeSignal(db: Kysely<Database>, since: Date): Promise<ResumeSignal> {
  const { rows } = await sql<{ completed_since: string; heartbeats_since: string }>`
SELECT
  (SELECT count(*) FROM tds_sync_queue WHERE status = 'completed' AND completed_at > ${since}) AS completed_since,
  (SELECT count(*) FROM tds_workers WHERE status <> 'stopped' AND last_heartbeat_at > ${since}) AS heartbeats_since`.execute(db);
  return { completed_since: Number(rows[0].completed_since), heartbeats_since: Number(rows[0].heartbeats_since) };
}
