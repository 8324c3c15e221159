import { formatTable } from './format';

/** The results of core.sync.run that report a failure (status "failed" or an error message). */
export function failedSyncResults(results: ReadonlyArray<Record<string, unknown>>): Array<Record<string, unknown>> {
  return results.filter((r) => r.status === 'failed' || r.ok === false || (typeof r.error === 'string' && r.error !== ''));
}

// Every fetched record ends as exactly one of inserted … deadLettered, so those columns add up to
// `fetched`; deleted counts rows the reconcile marked gone (not fetched).
const COUNT_COLUMNS = ['fetched', 'inserted', 'updated', 'restored', 'unchanged', 'stale', 'skipped', 'deadLettered', 'deleted', 'pages', 'requestsUsed'] as const;

function seconds(start: unknown, end: unknown): string {
  const a = start instanceof Date ? start.getTime() : Date.parse(String(start));
  const b = end instanceof Date ? end.getTime() : Date.parse(String(end));
  return Number.isFinite(a) && Number.isFinite(b) ? `${((b - a) / 1000).toFixed(1)}s` : '-';
}

/** One row per entity: status, the counts, duration and error (the counts object flattened). */
export function formatSyncResults(results: ReadonlyArray<Record<string, unknown>>): string {
  const rows = results.map((r) => {
    const counts = (typeof r.counts === 'object' && r.counts !== null ? r.counts : {}) as Record<string, unknown>;
    const row: Record<string, unknown> = { entity: r.entity, mode: r.mode, status: r.status };
    for (const column of COUNT_COLUMNS) if (column in counts) row[column === 'requestsUsed' ? 'requests' : column] = counts[column];
    if ('startedAt' in r || 'finishedAt' in r) row.duration = seconds(r.startedAt, r.finishedAt);
    row.error = r.error ?? null;
    return row;
  });
  return formatTable(rows);
}
