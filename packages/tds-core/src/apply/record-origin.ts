import { AsyncLocalStorage } from 'node:async_hooks';

const unconfirmed = new AsyncLocalStorage<true>();

/**
 * Runs `apply` for a record that does not prove the record is live now: a copy a webhook delivery
 * carried (it may be a replay of a delivery captured before a deletion), or a stock refresh whose
 * fetch may predate a deletion recorded since. Inside this scope an equal version does not restore
 * a soft-deleted row; a newer one still does (docs/deletions.md, "Restore rule"). The scope follows
 * the apply through every await, down to upsertVersioned, without threading a flag through each
 * applier.
 */
export function applyingUnconfirmedRecord<T>(apply: () => Promise<T>): Promise<T> {
  return unconfirmed.run(true, apply);
}

/** Whether the current apply is of an unconfirmed record (see applyingUnconfirmedRecord). */
export function isApplyingUnconfirmedRecord(): boolean {
  return unconfirmed.getStore() === true;
}
