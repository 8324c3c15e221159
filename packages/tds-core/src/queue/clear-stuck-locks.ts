import { sql } from 'kysely';
import { returnToPending, type ReturnedToPending } from './return-to-pending';
import { requirePositive } from './validate';
import type { QueueDb } from './types';

/**
 * Healer's remedy: items claimed more than `olderThanMinutes` ago and still processing go back to
 * pending, whoever holds them (leases normally bring them back much sooner). Attempts are not counted.
 */
export async function clearStuckLocks(db: QueueDb, olderThanMinutes: number): Promise<ReturnedToPending[]> {
  requirePositive(olderThanMinutes, 'olderThanMinutes');
  return returnToPending(
    db,
    sql`
SELECT q.*, false AS bump, 'lock cleared after ' || ${olderThanMinutes}::text || ' min (held by ' || coalesce(q.locked_by, '?') || ')' AS error,
  NULL::text AS deferral, 0::float8 AS delay_s
FROM tds_sync_queue q
WHERE q.status = 'processing' AND q.locked_at < now() - ${olderThanMinutes}::float8 * interval '1 minute'
FOR UPDATE OF q SKIP LOCKED`,
  );
}
