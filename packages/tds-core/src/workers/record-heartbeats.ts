import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { WorkerState } from './types';

export interface HeartbeatRow {
  workerId: string;
  startedAt: Date;
  state: WorkerState;
  processed: number;
  failed: number;
  inFlight: number;
}

/** One statement for every worker of a pool: upserts its tds_workers row with a fresh heartbeat. */
export async function recordHeartbeats(
  db: Kysely<Database>,
  meta: { poolId: string; processId: number; hostname: string },
  workers: readonly HeartbeatRow[],
): Promise<void> {
  if (workers.length === 0) return;
  await sql`
INSERT INTO tds_workers
  (worker_id, pool_id, process_id, hostname, started_at, last_heartbeat_at, status, processed_count, failed_count, current_batch, stopped_at)
SELECT w.worker_id, ${meta.poolId}, ${meta.processId}, ${meta.hostname}, w.started_at, now(), w.status, w.processed, w.failed, w.in_flight,
  CASE WHEN w.status = 'stopped' THEN now() END
FROM unnest(
  ${workers.map((w) => w.workerId)}::text[],
  ${workers.map((w) => w.startedAt.toISOString())}::timestamptz[],
  ${workers.map((w) => w.state)}::text[],
  ${workers.map((w) => w.processed)}::bigint[],
  ${workers.map((w) => w.failed)}::bigint[],
  ${workers.map((w) => w.inFlight)}::int[]
) AS w(worker_id, started_at, status, processed, failed, in_flight)
ON CONFLICT (worker_id) DO UPDATE SET
  last_heartbeat_at = now(),
  status = excluded.status,
  processed_count = excluded.processed_count,
  failed_count = excluded.failed_count,
  current_batch = excluded.current_batch,
  stopped_at = excluded.stopped_at`.execute(db);
}

/** Forgets workers silent for longer than a day (earlier runs of this or other processes). */
export async function pruneWorkers(db: Kysely<Database>): Promise<void> {
  await sql`DELETE FROM tds_workers WHERE last_heartbeat_at < now() - interval '1 day'`.execute(db);
}
