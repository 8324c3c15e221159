import { AsyncLocalStorage } from 'node:async_hooks';

const repairing = new AsyncLocalStorage<true>();

/**
 * Runs `apply` as a repair queued by `tds verify` (docs/verify.md): the stored row was found to
 * differ from Zoho although it carries Zoho's current version (edited by hand, or written by a
 * bug), so inside this scope a record of the same version is written again instead of being
 * 'unchanged'. An older version overwrites a newer one only when Zoho returned it to a request made
 * after the row was last written (versioned-upsert.ts): then it is Zoho's current record, and the
 * stored version is one Zoho never had. The scope follows the apply
 * through every await down to upsertVersioned, like applyingUnconfirmedRecord.
 */
export function applyingRepair<T>(apply: () => Promise<T>): Promise<T> {
  return repairing.run(true, apply);
}

/** Whether the current apply is a verify repair (see applyingRepair). */
export function isApplyingRepair(): boolean {
  return repairing.getStore() === true;
}
