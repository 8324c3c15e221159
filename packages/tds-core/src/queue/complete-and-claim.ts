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
-- The completed ids travel once, in a row of their own (not repeated on every claimed row).
SELECT c.*, NULL::text[] AS completed_ids FROM claimed c
UNION ALL
SELECT (NULL::tds_sync_queue).*, (SELECT coalesce(array_agg(id::text), '{}') FROM done)
ORDER BY priority DESC NULLS LAST, run_after, id`,
  );
  const completed = rows.find((row) => row.completed_ids !== null)?.completed_ids ?? [];
  const items = rows
    .filter((row) => row.completed_ids === null)
    .map(({ completed_ids: _, ...item }) => item as QueueItem);
  return { completed, items };
}
