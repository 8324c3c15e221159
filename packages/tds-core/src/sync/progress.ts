import type { SyncCounts, SyncMode, SyncPhase, SyncProgressEvent } from './types';
import type { EntityType } from '../transform/entities';

/** Turns counts into progress events with a rate and, when the size of the pass is known, an ETA. */
export function createProgressReporter(options: {
  entity: EntityType;
  mode: SyncMode;
  runId: string;
  startedAt: number;
  expectedRecords: number | null;
  onProgress?: (progress: SyncProgressEvent) => void;
  now?: () => number;
}) {
  const now = options.now ?? Date.now;
  return (phase: SyncPhase, counts: SyncCounts): SyncProgressEvent => {
    const minutes = (now() - options.startedAt) / 60_000;
    const rate = minutes > 0 && counts.fetched > 0 ? counts.fetched / minutes : null;
    const left = options.expectedRecords === null ? null : Math.max(0, options.expectedRecords - counts.fetched);
    const eta = phase === 'done' ? 0 : left !== null && rate !== null ? Math.round((left / rate) * 60) : null;
    const event: SyncProgressEvent = {
      entity: options.entity,
      mode: options.mode,
      runId: options.runId,
      phase,
      pages: counts.pages,
      records: counts.fetched,
      requestsUsed: counts.requestsUsed,
      ratePerMinute: rate === null ? null : Math.round(rate * 10) / 10,
      etaSeconds: eta,
      counts: { ...counts },
    };
    try {
      options.onProgress?.(event);
    } catch {
      // A listener's failure must not stop the sync.
    }
    return event;
  };
}
