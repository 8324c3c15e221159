import { isRetryableError } from '../apply/error-retryable';
import type { ApplyOutcome } from '../apply/types';
import type { FetchResult } from '../handlers/fetch-result';
import type { RunRecord, SyncRun } from './sync-run';

/**
 * Applies what fetching these ids gave: found records are applied, records Zoho no longer has are
 * soft-deleted, records failing their schema (or a permanent fetch error) are dead-lettered, and a
 * retryable fetch error fails the run.
 */
export async function applyFetched<R>(
  run: SyncRun,
  ids: readonly string[],
  fetched: Map<string, FetchResult<R>>,
  apply: (record: R) => Promise<ApplyOutcome>,
  remove: (id: string) => Promise<ApplyOutcome>,
): Promise<void> {
  const records: RunRecord[] = [];
  for (const id of ids) {
    const result = fetched.get(id) ?? { status: 'error' as const, error: new Error(`Zoho returned nothing for ${id}`) };
    if (result.status === 'found') records.push({ id, raw: result.record, apply: () => apply(result.record) });
    else if (result.status === 'missing') records.push({ id, raw: null, apply: () => remove(id) });
    else if (result.status === 'invalid') await run.deadLetter(id, result.error.raw, result.error);
    else if (!isRetryableError(result.error)) await run.deadLetter(id, null, result.error);
    else throw result.error;
  }
  await run.applyAll(records);
}
