import { sql } from 'kysely';
import { normalizeIds, requirePositive, requireText } from './validate';
import type { QueueDb } from './types';

/** Extends the lease of items this worker still holds; returns the ids it still holds (a missing id was lost). */
export async function renewLeases(db: QueueDb, workerId: string, ids: readonly (string | number)[], leaseSeconds: number): Promise<string[]> {
  requireText(workerId, 'workerId', 200);
  requirePositive(leaseSeconds, 'leaseSeconds', { max: 86_400 });
  const idList = normalizeIds(ids);
  if (idList.length === 0) return [];
  const { rows } = await sql<{ id: string }>`
UPDATE tds_sync_queue
SET locked_until = now() + ${leaseSeconds}::float8 * interval '1 second'
WHERE id = ANY(${idList}::bigint[]) AND status = 'processing' AND locked_by = ${workerId}
RETURNING id::text AS id`.execute(db);
  return rows.map((r) => r.id);
}
