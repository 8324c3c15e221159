import type { ApplyOutcome } from '../apply/types';
import type { SyncCounts } from './types';

export function emptyCounts(): SyncCounts {
  return { pages: 0, fetched: 0, inserted: 0, updated: 0, unchanged: 0, stale: 0, deleted: 0, restored: 0, skipped: 0, deadLettered: 0, requestsUsed: 0 };
}

export function countOutcome(counts: SyncCounts, outcome: ApplyOutcome): void {
  counts[outcome] += 1;
}
