import { sql } from 'kysely';
import { normalizeIds, requireText } from './validate';
import type { QueueDb } from './types';

/**
 * Marks items completed in one statement, but only those this worker still holds: an item whose
 * lease was lost has a new holder, and its result belongs to that holder. Returns the ids completed.
 */
export async function complete(db: QueueDb, ids: readonly (string | number)[], workerId: string): Promise<string[]> {
  requireText(workerId, 'workerId', 200);
  const idList = normalizeIds(ids);
  if (idList.length === 0) return [];
  const { rows } = await sql<{ id: string }>`
UPDATE tds_sync_queue
SET status = 'completed', completed_at = now(), updated_at = now(), locked_until = NULL
WHERE id = ANY(${idList}::bigint[]) AND status = 'processing' AND locked_by = ${workerId}
RETURNING id::text AS id`.execute(db);
  return rows.map((r) => r.id);
}
