import { queueStep, type ClaimOptions } from './claim';
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
  return queueStep(db, completedIds, options);
}
