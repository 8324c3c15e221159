import { sql } from 'kysely';
import { executeClaim } from './claim-plan';
import { claimCtes, type ClaimOptions } from './claim';
import { normalizeIds } from './validate';
import type { QueueDb, QueueItem } from './types';

/**
 * A worker's loop step in one statement (one round trip, one commit): completes the items of its
 * last batch that it still holds (as complete() does) and claims the next batch (as claim() does).
 */
export async function completeAndClaim(
  db: QueueDb,
  completedIds: readonly (string | number)[],
  options: ClaimOptions,
): Promise<{ completed: string[]; items: QueueItem[] }> {
  const ids = normalizeIds(completedIds);
  const { rows } = await executeClaim(
    db,
    sql<QueueItem & { completed_ids: string[] }>`
WITH done AS (
  UPDATE tds_sync_queue
  SET status = 'completed', completed_at = now(), updated_at = now(), locked_until = NULL
  WHERE id = ANY(${ids}::bigint[]) AND status = 'processing' AND locked_by = ${options.workerId}
  RETURNING id
),
${claimCtes(options)}
SELECT c.*, d.completed_ids
FROM (SELECT coalesce(array_agg(id::text), '{}') AS completed_ids FROM done) d
LEFT JOIN claimed c ON true
ORDER BY c.priority DESC, c.run_after, c.id`,
  );
  const completed = rows[0]?.completed_ids ?? [];
  const items = rows
    .filter((row) => row.id !== null)
    .map(({ completed_ids: _, ...item }) => item as QueueItem);
  return { completed, items };
}
