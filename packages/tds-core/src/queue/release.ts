import { sql } from 'kysely';
import { returnToPending, type ReturnedToPending } from './return-to-pending';
import { normalizeIds, requireText } from './validate';
import type { QueueDb } from './types';

/**
 * Gives back items this worker holds (all of them, or only `ids`) as pending, due now, without
 * counting an attempt: used by a graceful stop for work it did not finish.
 */
export async function release(db: QueueDb, workerId: string, ids?: readonly (string | number)[]): Promise<ReturnedToPending[]> {
  requireText(workerId, 'workerId', 200);
  const idList = ids === undefined ? null : normalizeIds(ids);
  if (idList !== null && idList.length === 0) return [];
  return returnToPending(
    db,
    sql`
SELECT q.*, false AS bump, NULL::text AS error, NULL::text AS deferral, 0::float8 AS delay_s
FROM tds_sync_queue q
WHERE q.status = 'processing' AND q.locked_by = ${workerId}
  AND (${idList}::bigint[] IS NULL OR q.id = ANY(${idList}::bigint[]))
FOR UPDATE OF q`,
  );
}
