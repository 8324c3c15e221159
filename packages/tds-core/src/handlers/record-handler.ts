import { ZohoValidationError } from '@tsh/zoho-client';
import type { ApplyContext } from '../apply/apply-context';
import { entityAppliers, type RecordByEntity } from '../apply/entity-appliers';
import type { ApplyOutcome } from '../apply/types';
import { applyingUnconfirmedRecord } from '../apply/record-origin';
import { applyingRepair } from '../apply/repair-scope';
import { silentLogger } from '../db/logger-like';
import type { QueueItem } from '../queue/types';
import { parseWebhookRecord, primaryWebhookKeyOf } from '../transform/entities';
import type { BatchHandler, ItemOutcome } from '../workers/types';
import { softDeletedNotNewer } from './deleted-rows';
import { entityFetchers } from './entity-fetchers';
import type { FetchResult } from './fetch-result';
import { completed, failed } from './item-outcome';
import { needsDetail } from './needs-detail';
import { carriedRecord } from './queue-item-record';
import type { SyncHandlerDeps } from './types';

export type RecordEntity = 'products' | 'customers' | 'invoices' | 'bills' | 'pricelists';

type Plan<R> =
  | { kind: 'apply'; record: R }
  /** `carriedError`: the record the item carried failed its schema; it stands if Zoho has no such record. */
  | { kind: 'fetch'; id: string; carriedError?: unknown }
  /**
   * Zoho decides whether the record exists: a deletion announced by a webhook (never trusted by
   * itself: docs/deletions.md), or a carried copy of a soft-deleted record. `lastKnown` is the copy
   * the item carried, stored as a deleted row when Zoho confirms the deletion of a record never stored.
   */
  | { kind: 'check'; id: string; lastKnown?: R }
  | { kind: 'failed'; error: unknown };

function parseCarried<E extends RecordEntity>(entity: E, payload: unknown): RecordByEntity[E] | null {
  const key = primaryWebhookKeyOf[entity];
  const carried = carriedRecord(payload, [key]);
  return carried === null ? null : (parseWebhookRecord(carried.key, carried.raw) as RecordByEntity[E]);
}

function planItem<E extends RecordEntity>(entity: E, item: QueueItem): Plan<RecordByEntity[E]> {
  if (item.operation === 'delete') {
    // The queue keeps the operation 'delete' (its coalescing ranks a deletion above an upsert of the
    // same version); the worker reads it as "check with Zoho", so a replayed DELETE deletes nothing live.
    if (item.zoho_id.trim() === '') return { kind: 'failed', error: Object.assign(new Error('a deletion without a record id'), { retryable: false }) };
    let lastKnown: RecordByEntity[E] | undefined;
    try {
      lastKnown = parseCarried(entity, item.payload) ?? undefined;
    } catch {
      // The check goes through by id even when the last state it carried is malformed.
    }
    return { kind: 'check', id: item.zoho_id, lastKnown };
  }
  let record: RecordByEntity[E] | null;
  try {
    record = parseCarried(entity, item.payload);
  } catch (error) {
    // A malformed copy (a webhook body, or a dead letter replayed by `tds dlq retry` after the
    // record was fixed in Zoho): Zoho's current record decides; without one, the copy's error stands.
    return item.zoho_id.trim() === '' ? { kind: 'failed', error } : { kind: 'fetch', id: item.zoho_id, carriedError: error };
  }
  if (record === null) return { kind: 'fetch', id: item.zoho_id };
  const check = needsDetail[entity] as (r: RecordByEntity[E]) => boolean;
  return check(record) ? { kind: 'fetch', id: recordIdOf(entity, record) } : { kind: 'apply', record };
}

function recordIdOf(entity: RecordEntity, record: unknown): string {
  const r = record as Record<string, string>;
  return { products: r.item_id, customers: r.contact_id, invoices: r.invoice_id, bills: r.bill_id, pricelists: r.pricebook_id }[entity];
}

const versionOf = (record: unknown): string | null => (record as { last_modified_time?: string | null }).last_modified_time ?? null;

/** Carried copies of soft-deleted records that they would not restore become checks with Zoho. */
async function checkCopiesOfDeleted<E extends RecordEntity>(db: SyncHandlerDeps['db'], entity: E, plans: Plan<RecordByEntity[E]>[]): Promise<void> {
  const carried = plans.flatMap((plan) => (plan.kind === 'apply' ? [{ id: recordIdOf(entity, plan.record), version: versionOf(plan.record) }] : []));
  const deleted = await softDeletedNotNewer(db, entity, carried);
  if (deleted.size === 0) return;
  plans.forEach((plan, index) => {
    if (plan.kind !== 'apply') return;
    const id = recordIdOf(entity, plan.record);
    if (deleted.has(id)) plans[index] = { kind: 'check', id, lastKnown: plan.record };
  });
}

/**
 * The queue handler of one record entity: records carried whole are applied directly; ids, rows
 * too reduced to apply, and carried records that fail their schema are fetched first (itemdetails
 * batches for items, detail GETs otherwise); a record Zoho no longer has is soft-deleted. Delete
 * events, and carried copies of soft-deleted records, are checks: Zoho is asked (in the same
 * batches) and a live answer is applied (restoring the row), a not-found answer soft-deletes
 * (docs/deletions.md). Each item gets its own outcome, so one bad record never holds up the rest
 * of the batch.
 */
export function createRecordHandler<E extends RecordEntity>(entity: E, deps: SyncHandlerDeps & { applyContext: ApplyContext }): BatchHandler {
  const applier = entityAppliers[entity];
  const logger = deps.logger ?? silentLogger;
  const { db, zoho, applyContext: ctx } = deps;

  return async (items, { signal }) => {
    const plans = items.map((item) => planItem(entity, item));
    await checkCopiesOfDeleted(db, entity, plans);
    const fetchIds = plans.flatMap((plan) => (plan.kind === 'fetch' || plan.kind === 'check' ? [plan.id] : []));
    const fetched: Map<string, FetchResult<RecordByEntity[E]>> = fetchIds.length > 0 ? await entityFetchers[entity](zoho, fetchIds, { signal }) : new Map();

    const outcomes: ItemOutcome[] = [];
    const tally: Partial<Record<ApplyOutcome | 'failed', number>> = {};
    for (const [index, item] of items.entries()) {
      const plan = plans[index];
      let outcome: ItemOutcome;
      try {
        if (signal.aborted) throw Object.assign(new Error('handler stopped before this item was applied'), { retryable: true });
        // A verify repair re-applies even at the stored version: that row was found to differ from Zoho.
        const applied = await (item.source === 'verify' ? applyingRepair(() => runPlan(plan, fetched)) : runPlan(plan, fetched));
        tally[applied] = (tally[applied] ?? 0) + 1;
        outcome = completed(item.id);
      } catch (error) {
        tally.failed = (tally.failed ?? 0) + 1;
        outcome = failed(item.id, error);
        if (outcome.status === 'failed' && !outcome.retryable) logger.warn({ entity, zohoId: item.zoho_id, err: outcome.error }, 'record refused; it goes to the dead-letter queue');
      }
      outcomes.push(outcome);
    }
    logger.debug({ entity, items: items.length, fetched: fetchIds.length, outcomes: tally }, 'queue batch applied');
    return outcomes;
  };

  async function runPlan(plan: Plan<RecordByEntity[E]>, fetched: Map<string, FetchResult<RecordByEntity[E]>>): Promise<ApplyOutcome> {
    switch (plan.kind) {
      case 'failed':
        throw plan.error;
      case 'apply':
        return applyingUnconfirmedRecord(() => applier.apply(db, plan.record, ctx));
      case 'check': {
        const result = fetched.get(plan.id) ?? { status: 'error', error: new Error(`no fetch result for ${plan.id}`) };
        if (result.status === 'found') return applier.apply(db, result.record, ctx);
        if (result.status === 'missing') return removeConfirmed(plan.id, plan.lastKnown);
        if (result.status === 'invalid') throw result.error satisfies ZohoValidationError;
        throw result.error;
      }
      case 'fetch': {
        const result = fetched.get(plan.id) ?? { status: 'error', error: new Error(`no fetch result for ${plan.id}`) };
        if (result.status === 'found') return applier.apply(db, result.record, ctx);
        if (result.status === 'missing') {
          if (plan.carriedError !== undefined) throw plan.carriedError;
          return applier.remove(db, plan.id, ctx);
        }
        if (result.status === 'invalid') throw result.error satisfies ZohoValidationError;
        throw result.error;
      }
    }
  }

  /**
   * Zoho said the record does not exist, which is final (ids are never reused): the row goes
   * whatever version it holds. With the last known copy first, so a record never stored is kept
   * as a deleted row; that copy's version guard ('stale': a newer version is stored) must not keep
   * a deleted record alive, so the deletion is then made by id alone.
   */
  async function removeConfirmed(id: string, lastKnown: RecordByEntity[E] | undefined): Promise<ApplyOutcome> {
    const outcome = await applier.remove(db, id, ctx, lastKnown);
    return outcome === 'stale' && lastKnown !== undefined ? applier.remove(db, id, ctx) : outcome;
  }
}
