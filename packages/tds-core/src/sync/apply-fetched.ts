import { fetchedAt } from '../apply/ask-time';
import { isRetryableError } from '../apply/error-retryable';
import { applyingFetchedRecord, DeletedRowNeedsCheckError } from '../apply/record-origin';
import type { ApplyOutcome } from '../apply/types';
import type { FetchResult } from '../handlers/fetch-result';
import type { RunRecord, SyncRun } from './sync-run';

export type FetchByIds<R> = (ids: readonly string[]) => Promise<Map<string, FetchResult<R>>>;

/** What Zoho answered for these ids, and the database clock read just before it was asked. */
export interface FetchedRecords<R> {
  ids: readonly string[];
  askedAt: string;
  results: Map<string, FetchResult<R>>;
}

/** Asks Zoho for these ids, the database clock read first (record-origin.ts); writes nothing. */
export async function fetchRecords<R>(run: SyncRun, ids: readonly string[], fetch: FetchByIds<R>): Promise<FetchedRecords<R>> {
  const { askedAt, results } = await fetchedAt(run.db, () => fetch(ids));
  return { ids, askedAt, results };
}

/**
 * Applies what Zoho gave for these ids: found records are applied, records Zoho no longer has are
 * soft-deleted, records failing their schema (or a permanent fetch error) are dead-lettered, and a
 * retryable fetch error fails the run. A record whose row was soft-deleted after Zoho was asked (a
 * deletion confirmed by a worker while the fetch ran) restores nothing: it is asked for again
 * alone, and that answer decides (docs/deletions.md).
 */
export async function applyFetchedRecords<R>(
  run: SyncRun,
  { ids, askedAt, results: fetched }: FetchedRecords<R>,
  fetch: FetchByIds<R>,
  apply: (record: R) => Promise<ApplyOutcome>,
  remove: (id: string) => Promise<ApplyOutcome>,
): Promise<void> {
  const records: RunRecord[] = [];
  for (const id of ids) {
    const result = fetched.get(id) ?? { status: 'error' as const, error: new Error(`Zoho returned nothing for ${id}`) };
    if (result.status === 'found') records.push({ id, raw: result.record, apply: () => applyLive(run, id, result.record, askedAt, fetch, apply, remove) });
    else if (result.status === 'missing') records.push({ id, raw: null, apply: () => remove(id) });
    else if (result.status === 'invalid') await run.deadLetter(id, result.error.raw, result.error);
    else if (!isRetryableError(result.error)) await run.deadLetter(id, null, result.error);
    else throw result.error;
  }
  await run.applyAll(records);
}

/** Asks Zoho for these ids and applies what it gave (fetchRecords, then applyFetchedRecords). */
export async function applyFetched<R>(
  run: SyncRun,
  ids: readonly string[],
  fetch: FetchByIds<R>,
  apply: (record: R) => Promise<ApplyOutcome>,
  remove: (id: string) => Promise<ApplyOutcome>,
): Promise<void> {
  if (ids.length === 0) return;
  await applyFetchedRecords(run, await fetchRecords(run, ids, fetch), fetch, apply, remove);
}

/**
 * Applies a record Zoho returned to a request made at `askedAt`. A listing row is such a record
 * too (customers apply theirs directly). When its row was soft-deleted after `askedAt`, Zoho is
 * asked again for that id; a second race of the same kind is left to the run's retry of the record.
 */
export async function applyLive<R>(
  run: SyncRun,
  id: string,
  record: R,
  askedAt: string,
  fetch: FetchByIds<R>,
  apply: (record: R) => Promise<ApplyOutcome>,
  remove: (id: string) => Promise<ApplyOutcome>,
): Promise<ApplyOutcome> {
  try {
    return await applyingFetchedRecord(askedAt, () => apply(record));
  } catch (error) {
    if (!(error instanceof DeletedRowNeedsCheckError)) throw error;
  }
  run.counts.fetched += 1;
  const again = await fetchedAt(run.db, () => fetch([id]));
  const result = again.results.get(id) ?? { status: 'error' as const, error: new Error(`Zoho returned nothing for ${id}`) };
  if (result.status === 'found') return applyingFetchedRecord(again.askedAt, () => apply(result.record));
  if (result.status === 'missing') return remove(id);
  throw result.error;
}
