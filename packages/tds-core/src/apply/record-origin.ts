import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where the record being applied comes from, which decides whether it may bring a soft-deleted row
 * back (docs/deletions.md, "Restore rule"):
 * - `fetched`: Zoho returned it to a request made at `askedAt` (the database clock, read before the
 *   request). It proves the record live at a moment after `askedAt`, so it restores a row deleted
 *   before `askedAt`. A row deleted after `askedAt` may have been deleted in Zoho after Zoho answered:
 *   the record proves nothing about it.
 * - `carried`: a copy a webhook delivery carried. It may be a replay of a delivery captured before the
 *   deletion, so it never restores.
 * In both cases an apply that meets a soft-deleted row it cannot restore throws
 * DeletedRowNeedsCheckError, and the caller asks Zoho (again). Outside both scopes (tombstones written
 * by a deletion, direct library calls) a soft-deleted row is never restored and nothing is thrown.
 * The scope follows the apply through every await, down to upsertVersioned, without threading a
 * flag through each applier.
 */
export type RecordOrigin = { kind: 'fetched'; askedAt: string } | { kind: 'carried' };

const origin = new AsyncLocalStorage<RecordOrigin>();

/** Applies a record Zoho returned to a request made at `askedAt` (see fetchedAt, ask-time.ts). */
export function applyingFetchedRecord<T>(askedAt: string, apply: () => Promise<T>): Promise<T> {
  return origin.run({ kind: 'fetched', askedAt }, apply);
}

/** Applies a copy a webhook delivery carried. */
export function applyingCarriedRecord<T>(apply: () => Promise<T>): Promise<T> {
  return origin.run({ kind: 'carried' }, apply);
}

/** The origin of the record being applied; undefined outside both scopes. */
export function currentRecordOrigin(): RecordOrigin | undefined {
  return origin.getStore();
}

/**
 * The record being applied met a soft-deleted row that it cannot prove live: a copy carried by a
 * delivery, or a record Zoho returned to a request made before the row was deleted (its fetch raced
 * the deletion). Nothing was written. Zoho must be asked again; a fresh answer decides. Retryable, so
 * a caller that does not ask at once leaves the item to be retried, which asks again too.
 */
export class DeletedRowNeedsCheckError extends Error {
  readonly retryable = true;
  readonly table: string;
  readonly zohoId: string;
  constructor(table: string, zohoId: string) {
    super(`${table} ${zohoId} is soft-deleted and this record does not prove it live now (fetched before the deletion, or a delivered copy): Zoho must be asked again`);
    this.name = 'DeletedRowNeedsCheckError';
    this.table = table;
    this.zohoId = zohoId;
  }
}
