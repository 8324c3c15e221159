import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export interface WorkerLiveness {
  alive: number;
  /** Not stopped cleanly and silent for longer than the timeout. */
  crashed: number;
  known: number;
  last_heartbeat_at: Date | null;
}

/** Counts workers of every process from their heartbeats in tds_workers. */
export async function readWorkerLiveness(db: Kysely<Database>, timeoutMs: number): Promise<WorkerLiveness> {
  const { rows } = await sql<{ alive: string; crashed: string; known: string; last_heartbeat_at: Date | null }>`
SELECT
  count(*) FILTER (WHERE status <> 'stopped' AND last_heartbeat_at > now() - ${timeoutMs}::float8 * interval '1 millisecond') AS alive,
  count(*) FILTER (WHERE status <> 'stopped' AND last_heartbeat_at <= now() - ${timeoutMs}::float8 * interval '1 millisecond') AS crashed,
  count(*) AS known,
  max(last_heartbeat_at) AS last_heartbeat_at
FROM tds_workers`.execute(db);
  const row = rows[0];
  return { alive: Number(row.alive), crashed: Number(row.crashed), known: Number(row.known), last_heartbeat_at: row.last_heartbeat_at };
}
