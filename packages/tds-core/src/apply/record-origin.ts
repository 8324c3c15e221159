import { AsyncLocalStorage } from 'node:async_hooks';

const delivered = new AsyncLocalStorage<true>();

/**
 * Runs `apply` for a record a webhook delivery carried rather than one Zoho answered just now. Such a
 * copy proves nothing about the record still existing (it may be a replay of a delivery captured
 * before a deletion), so inside this scope an equal version does not restore a soft-deleted row
 * (docs/deletions.md, "Restore rule"). The scope follows the apply through every await, down to
 * upsertVersioned, without threading a flag through each applier.
 */
export function applyingDeliveredRecord<T>(apply: () => Promise<T>): Promise<T> {
  return delivered.run(true, apply);
}

/** Whether the current apply is of a delivered copy (see applyingDeliveredRecord). */
export function isApplyingDeliveredRecord(): boolean {
  return delivered.getStore() === true;
}
