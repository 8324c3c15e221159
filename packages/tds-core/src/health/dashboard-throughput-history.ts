import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';

/** One minute of queue work. */
export interface ThroughputMinute {
  /** Start of the minute. */
  minute: Date;
  completed: number;
  dead_lettered: number;
}

/**
 * Items completed and dead-lettered per minute over the last `minutes` minutes (default 60, at
 * most 1440), oldest first, the current minute last; minutes without work are there with zeros.
 */
export async function readThroughputHistory(db: Kysely<Database>, options: { minutes?: number } = {}): Promise<ThroughputMinute[]> {
  const minutes = Math.min(Math.max(1, Math.floor(options.minutes ?? 60)), 1440);
  const { rows } = await sql<{ minute: Date; completed: string; dead_lettered: string }>`
WITH buckets AS (
  SELECT generate_series(date_trunc('minute', now()) - (${minutes - 1}::int * interval '1 minute'), date_trunc('minute', now()), interval '1 minute') AS minute
),
done AS (
  SELECT date_trunc('minute', completed_at) AS minute, count(*) AS n FROM tds_sync_queue
  WHERE status = 'completed' AND completed_at >= (SELECT min(minute) FROM buckets)
  GROUP BY 1
),
dead AS (
  SELECT date_trunc('minute', failed_at) AS minute, count(*) AS n FROM tds_dead_letter_queue
  WHERE failed_at >= (SELECT min(minute) FROM buckets)
  GROUP BY 1
)
SELECT b.minute, coalesce(done.n, 0) AS completed, coalesce(dead.n, 0) AS dead_lettered
FROM buckets b LEFT JOIN done ON done.minute = b.minute LEFT JOIN dead ON dead.minute = b.minute
ORDER BY b.minute`.execute(db);
  return rows.map((r) => ({ minute: r.minute, completed: Number(r.completed), dead_lettered: Number(r.dead_lettered) }));
}
