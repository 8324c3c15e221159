import { sql } from 'kysely';
import { returnToPending, type ReturnedToPending } from '../../queue/return-to-pending';
import type { QueueDb } from '../../queue/types';

/**
 * Items in status 'failed' that still have retries left go back to pending, due now, in one
 * statement (a newer pending item of the same record absorbs them, as everywhere in the queue).
 */
export async function requeueFailed(db: QueueDb, limit: number): Promise<ReturnedToPending[]> {
  return returnToPending(
    db,
    sql`
SELECT q.*, false AS bump, NULL::text AS error, NULL::text AS deferral, 0::float8 AS delay_s
FROM tds_sync_queue q
WHERE q.status = 'failed' AND q.retry_count < q.max_retries
ORDER BY q.id
LIMIT ${limit}
FOR UPDATE OF q SKIP LOCKED`,
  );
}
