import { sql } from 'kysely';
import { requirePositive } from './validate';
import { QueueInputError, type QueueDb } from './types';

/**
 * Deletes completed items finished before `olderThan`, batchSize rows per statement (each its own
 * short transaction, skipping rows someone else has locked), so claiming is never held up.
 * Returns how many were deleted.
 */
export async function purgeCompleted(db: QueueDb, olderThan: Date, batchSize = 1000, maxBatches = Number.POSITIVE_INFINITY): Promise<number> {
  if (!(olderThan instanceof Date) || Number.isNaN(olderThan.getTime())) throw new QueueInputError(['olderThan: must be a valid Date']);
  requirePositive(batchSize, 'batchSize', { integer: true, max: 100_000 });
  let total = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const result = await sql`
DELETE FROM tds_sync_queue
WHERE id IN (
  SELECT id FROM tds_sync_queue
  WHERE status = 'completed' AND completed_at < ${olderThan.toISOString()}::timestamptz
  ORDER BY completed_at
  LIMIT ${batchSize}
  FOR UPDATE SKIP LOCKED
)`.execute(db);
    const deleted = Number(result.numAffectedRows ?? 0n);
    total += deleted;
    if (deleted < batchSize) break;
  }
  return total;
}
