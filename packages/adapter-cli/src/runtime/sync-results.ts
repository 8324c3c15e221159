import type { SyncOutcome } from '@tsh/tds-core';
import { formatTable } from './format';

/** The results of core.sync.run that report a failure (status "failed" or an error message: a skipped entity too). */
export function failedSyncResults(results: ReadonlyArray<SyncOutcome>): SyncOutcome[] {
  return results.filter((r) => r.status === 'failed' || (typeof r.error === 'string' && r.error !== ''));
}

// Every fetched record ends as exactly one of inserted … deadLettered, so those columns add up to
// `fetched`; deleted counts rows the reconcile marked gone (not fetched).
const COUNT_COLUMNS = ['fetched', 'inserted', 'updated', 'restored', 'unchanged', 'stale', 'skipped', 'deadLettered', 'deleted', 'pages', 'requestsUsed'] as const;

function seconds(start: Date, end: Date): string {
  return `${((end.getTime() - start.getTime()) / 1000).toFixed(1)}s`;
}

/** One row per entity: status, the counts, duration and error (the counts object flattened). */
export function formatSyncResults(results: ReadonlyArray<SyncOutcome>): string {
  const rows = results.map((r) => {
    const row: Record<string, unknown> = { entity: r.entity, mode: r.mode, status: r.status };
    if ('counts' in r) {
      for (const column of COUNT_COLUMNS) row[column === 'requestsUsed' ? 'requests' : column] = r.counts[column];
      row.duration = seconds(r.startedAt, r.finishedAt);
    }
    row.error = r.error ?? null;
    return row;
  });
  return formatTable(rows);
}
