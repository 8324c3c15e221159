import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export interface Throughput {
  completed_last_5m: number;
  completed_last_24h: number;
  /** Records settled by sync runs that finished in the last 24 h (written, unchanged, deleted, skipped or stale). */
  synced_last_24h: number;
  dead_lettered_last_24h: number;
  /** Age of the oldest pending item, in seconds (0 when nothing waits). */
  oldest_pending_seconds: number;
  /** Receipt (enqueue) to applied, over items completed in the last 24 h. */
  delay_p50_seconds: number | null;
  delay_p95_seconds: number | null;
  delay_average_seconds: number | null;
}

/** Rates and delays from the queue's own timestamps, read in one statement. */
export async function readThroughput(db: Kysely<Database>): Promise<Throughput> {
  const { rows } = await sql<Record<keyof Throughput, string | number | null>>`
WITH recent AS (
  SELECT completed_at, extract(epoch FROM completed_at - created_at)::float8 AS delay_s
  FROM tds_sync_queue
  WHERE status = 'completed' AND completed_at > now() - interval '24 hours'
)
SELECT
  (SELECT count(*) FROM recent WHERE completed_at > now() - interval '5 minutes') AS completed_last_5m,
  (SELECT count(*) FROM recent) AS completed_last_24h,
  (SELECT coalesce(sum(n), 0) FROM tds_sync_runs r,
     LATERAL (SELECT sum(CASE WHEN value ~ '^[0-9]+$' THEN value::bigint ELSE 0 END) AS n FROM jsonb_each_text(r.counts)
              WHERE key IN ('inserted', 'updated', 'unchanged', 'deleted', 'restored', 'skipped', 'stale')) c
   WHERE r.finished_at > now() - interval '24 hours') AS synced_last_24h,
  (SELECT count(*) FROM tds_dead_letter_queue WHERE failed_at > now() - interval '24 hours') AS dead_lettered_last_24h,
  coalesce((SELECT extract(epoch FROM now() - min(created_at))::float8 FROM tds_sync_queue WHERE status = 'pending'), 0) AS oldest_pending_seconds,
  (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY delay_s) FROM recent) AS delay_p50_seconds,
  (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY delay_s) FROM recent) AS delay_p95_seconds,
  (SELECT avg(delay_s) FROM recent) AS delay_average_seconds`.execute(db);
  const row = rows[0];
  const num = (value: string | number | null) => (value === null ? null : Math.max(0, Number(value)));
  return {
    completed_last_5m: Number(row.completed_last_5m),
    completed_last_24h: Number(row.completed_last_24h),
    synced_last_24h: Number(row.synced_last_24h),
    dead_lettered_last_24h: Number(row.dead_lettered_last_24h),
    oldest_pending_seconds: num(row.oldest_pending_seconds) ?? 0,
    delay_p50_seconds: num(row.delay_p50_seconds),
    delay_p95_seconds: num(row.delay_p95_seconds),
    delay_average_seconds: num(row.delay_average_seconds),
  };
}
