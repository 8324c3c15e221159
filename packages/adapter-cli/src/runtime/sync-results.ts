/** The results of core.sync.run that report a failure (status "failed" or an error message). */
export function failedSyncResults(results: ReadonlyArray<Record<string, unknown>>): Array<Record<string, unknown>> {
  return results.filter((r) => r.status === 'failed' || r.ok === false || (typeof r.error === 'string' && r.error !== ''));
}
