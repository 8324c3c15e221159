import { sql, type Kysely } from 'kysely';
import type { Database, JsonValue } from '../../db/schema';

export interface Diagnostics {
  stuck_locks: number;
  oldest_lock_seconds: number | null;
  exhausted_failed: number;
  /** Most frequent errors of items pending a retry or failed. */
  failing_errors: Array<{ error: string; count: number }>;
  /** Most frequent errors of open dead letters. */
  dead_letter_errors: Array<{ error: string; count: number }>;
  /** Entities whose latest sync run in the last 24 h failed. */
  failed_runs: Array<{ entity: string; error: string | null; finished_at: Date | null }>;
  /** Heal actions that failed in the last 24 h, per action. */
  heal_failures: Array<{ action: string; count: number; last_details: JsonValue | null }>;
}

const TOP = 5;

/** The deeper reads diagnostics adds to health: stuck locks, error patterns, failed runs, failed heals. */
export async function readDiagnostics(db: Kysely<Database>, organizationId: string, stuckLockMinutes: number): Promise<Diagnostics> {
  const [locks, failing, dead, runs, heals] = await Promise.all([
    sql<{ stuck_locks: string; oldest_lock_seconds: number | null; exhausted_failed: string }>`
SELECT
  count(*) FILTER (WHERE status = 'processing' AND locked_at < now() - ${stuckLockMinutes}::float8 * interval '1 minute') AS stuck_locks,
  extract(epoch FROM now() - min(locked_at) FILTER (WHERE status = 'processing'))::float8 AS oldest_lock_seconds,
  count(*) FILTER (WHERE status = 'failed' AND retry_count >= max_retries) AS exhausted_failed
FROM tds_sync_queue
WHERE status IN ('processing', 'failed')`.execute(db),
    sql<{ error: string; count: string }>`
SELECT left(last_error, 200) AS error, count(*) AS count
FROM tds_sync_queue
WHERE last_error IS NOT NULL AND (status = 'failed' OR (status = 'pending' AND retry_count > 0))
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${TOP}`.execute(db),
    sql<{ error: string; count: string }>`
SELECT left(error, 200) AS error, count(*) AS count
FROM tds_dead_letter_queue
WHERE resolved_at IS NULL AND retried_at IS NULL
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${TOP}`.execute(db),
    sql<{ entity: string; error: string | null; finished_at: Date | null }>`
SELECT entity, error, finished_at FROM (
  SELECT DISTINCT ON (entity) entity, status, error, finished_at
  FROM tds_sync_runs
  WHERE started_at > now() - interval '24 hours' AND (organization_id IS NULL OR organization_id = ${organizationId})
  ORDER BY entity, started_at DESC, id DESC
) latest
WHERE status = 'failed'
ORDER BY entity`.execute(db),
    sql<{ action: string; count: string; last_details: JsonValue | null }>`
SELECT action, count(*) AS count, (array_agg(details ORDER BY created_at DESC))[1] AS last_details
FROM tds_heal_log
WHERE outcome = 'failure' AND created_at > now() - interval '24 hours'
GROUP BY action ORDER BY 2 DESC, 1`.execute(db),
  ]);
  const l = locks.rows[0];
  return {
    stuck_locks: Number(l.stuck_locks),
    oldest_lock_seconds: l.oldest_lock_seconds,
    exhausted_failed: Number(l.exhausted_failed),
    failing_errors: failing.rows.map((r) => ({ error: r.error, count: Number(r.count) })),
    dead_letter_errors: dead.rows.map((r) => ({ error: r.error, count: Number(r.count) })),
    failed_runs: runs.rows,
    heal_failures: heals.rows.map((r) => ({ action: r.action, count: Number(r.count), last_details: r.last_details })),
  };
}
