import { ZohoValidationError } from '@tsh/zoho-client';
import type { ApplyContext } from '../apply/apply-context';
import { entityAppliers, type RecordByEntity } from '../apply/entity-appliers';
import type { ApplyOutcome } from '../apply/types';
import { fetchedAt } from '../apply/ask-time';
import { applyingCarriedRecord, applyingFetchedRecord, DeletedRowNeedsCheckError } from '../apply/record-origin';
import { applyProducts, type ProductBatchEntry } from '../apply/product-batch';
import { applyingRepair } from '../apply/repair-scope';
import { silentLogger } from '../db/logger-like';
import type { QueueItem } from '../queue/types';
import { parseWebhookRecord, primaryWebhookKeyOf } from '../transform/entities';
import type { BatchHandler, ItemOutcome } from '../workers/types';
import { softDeletedAmong } from './deleted-rows';
import { applyStreamedBookItem } from './streamed-book';
import { entityFetchers } from './entity-fetchers';
import type { FetchResult } from './fetch-result';
import { completed, outcomeOf, stoppedBefore } from './item-outcome';
import { needsDetail } from './needs-detail';
import { carriedRecord } from './queue-item-record';
import type { SyncHandlerDeps } from './types';
import { handlerCallOptions } from './zoho-wait';

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

/** Carried copies of soft-deleted records become checks with Zoho: a copy never restores (record-origin.ts). */
async function checkCopiesOfDeleted<E extends RecordEntity>(db: SyncHandlerDeps['db'], entity: E, plans: Plan<RecordByEntity[E]>[]): Promise<void> {
  const carried = plans.flatMap((plan) => (plan.kind === 'apply' ? [recordIdOf(entity, plan.record)] : []));
  const deleted = await softDeletedAmong(db, entity, carried);
  if (deleted.size === 0) return;
  plans.forEach((plan, index) => {
    if (plan.kind === 'apply' && deleted.has(recordIdOf(entity, plan.record))) plans[index] = asCheck(entity, plan);
  });
}

/** The plan that asks Zoho for the record a plan is about (a carried copy becomes a check). */
function asCheck<E extends RecordEntity>(entity: E, plan: Plan<RecordByEntity[E]>): Plan<RecordByEntity[E]> {
  return plan.kind === 'apply' ? { kind: 'check', id: recordIdOf(entity, plan.record), lastKnown: plan.record } : plan;
}

/** How many times a batch asks Zoho: the first fetch, and once more for rows deleted while it ran. */
const ASK_ROUNDS = 2;

/**
 * The queue handler of one record entity: records carried whole are applied directly; ids, rows
 * too reduced to apply, and carried records that fail their schema are fetched first (itemdetails
 * batches for items, detail GETs otherwise, price books read as a stream: streamed-book.ts); a
 * record Zoho no longer has is soft-deleted. Delete
 * events, and carried copies of soft-deleted records, are checks: Zoho is asked (in the same
 * batches) and a live answer is applied (restoring the row), a not-found answer soft-deletes
 * (docs/deletions.md). Records that need no Zoho request are applied before Zoho is asked, so a slow
 * or rate-limited Zoho cannot keep them past the handler's deadline. The database clock is read
 * before Zoho is asked: a record whose row was
 * soft-deleted after that moment (a deletion confirmed while the fetch ran) is not restored by it,
 * and is asked for once more in a second round, whose answer decides. Each item gets its own
 * outcome, so one bad record never holds up the rest of the batch.
 */
export function createRecordHandler<E extends RecordEntity>(entity: E, deps: SyncHandlerDeps & { applyContext: ApplyContext }): BatchHandler {
  const applier = entityAppliers[entity];
  const logger = deps.logger ?? silentLogger;
  const { db, zoho, applyContext: ctx } = deps;

  // Price books are read as a stream (a chunk held at a time) unless their whole JSON is to be kept.
  const streamsBooks = entity === 'pricelists' && !ctx.config.keepRaw;

  return async (items, { signal, timeoutMs }) => {
    const plans = items.map((item) => planItem(entity, item));
    await checkCopiesOfDeleted(db, entity, plans);
    const results = new Array<{ applied: ApplyOutcome } | { error: unknown }>(items.length);
    let pending = items.map((_, index) => index);
    let fetchedCount = 0;
    for (let round = 1; pending.length > 0; round++) {
      const again: number[] = [];
      const runItems = async (indexes: readonly number[], fetched: Map<string, FetchResult<RecordByEntity[E]>>, askedAt: string) => {
        // Products carried whole or returned by Zoho are applied as one batch: one transaction, a fixed
        // number of statements for all of them (docs/apply-batches.md). The others go one by one below.
        const batched = entity === 'products' && !signal.aborted ? indexes.filter((index) => batchEntry(items[index], plans[index], fetched, askedAt) !== null) : [];
        if (batched.length > 0) {
          const outcomes = await applyProducts(db, batched.map((index) => batchEntry(items[index], plans[index], fetched, askedAt)!), ctx);
          batched.forEach((index, n) => {
            const outcome = outcomes[n];
            if ('applied' in outcome) results[index] = outcome;
            else if (outcome.error instanceof DeletedRowNeedsCheckError && round < ASK_ROUNDS) {
              plans[index] = asCheck(entity, plans[index]);
              again.push(index);
            } else results[index] = { error: outcome.error };
          });
        }
        const inBatch = new Set(batched);
        for (const index of indexes) {
          if (inBatch.has(index)) continue;
          const item = items[index];
          try {
            // Past the deadline an item is not applied; a failed or cut-short fetch says why, else it was not got to.
            if (signal.aborted) throw fetchErrorOf(plans[index], fetched) ?? stoppedBefore(signal, 'this item was not applied');
            // A verify repair re-applies even at the stored version: that row was found to differ from Zoho.
            const run = () => runPlan(plans[index], fetched, askedAt);
            results[index] = { applied: await (item.source === 'verify' ? applyingRepair(run) : run()) };
          } catch (error) {
            if (error instanceof DeletedRowNeedsCheckError && round < ASK_ROUNDS) {
              plans[index] = asCheck(entity, plans[index]);
              again.push(index);
            } else {
              results[index] = { error };
            }
          }
        }
      };
      const asksZoho = (index: number) => plans[index].kind === 'fetch' || plans[index].kind === 'check';
      // Carried copies first: a slow or rate-limited Zoho must not keep them past the handler's deadline.
      await runItems(pending.filter((index) => !asksZoho(index)), new Map(), '');
      const asking = pending.filter(asksZoho);
      if (asking.length > 0 && streamsBooks) {
        fetchedCount += asking.length;
        for (const index of asking) {
          const plan = plans[index] as Extract<Plan<RecordByEntity[E]>, { kind: 'fetch' | 'check' }>;
          try {
            if (signal.aborted) throw stoppedBefore(signal, 'this item was not applied');
            const ask = { id: plan.id, kind: plan.kind, carriedError: plan.kind === 'fetch' ? plan.carriedError : undefined, repair: items[index].source === 'verify' };
            results[index] = { applied: await applyStreamedBookItem({ db, zoho, zohoMaxWaitMs: deps.zohoMaxWaitMs, applyContext: ctx }, ask, signal) };
          } catch (error) {
            if (error instanceof DeletedRowNeedsCheckError && round < ASK_ROUNDS) again.push(index);
            else results[index] = { error };
          }
        }
      } else if (asking.length > 0) {
        const fetchIds = asking.map((index) => (plans[index] as { id: string }).id);
        fetchedCount += fetchIds.length;
        const { askedAt, results: fetched } = await fetchedAt(db, () => entityFetchers[entity](zoho, fetchIds, handlerCallOptions(signal, deps.zohoMaxWaitMs)));
        await runItems(asking, fetched, askedAt);
      }
      pending = again;
    }

    const outcomes: ItemOutcome[] = [];
    const tally: Partial<Record<ApplyOutcome | 'failed' | 'deferred', number>> = {};
    for (const [index, item] of items.entries()) {
      const result = results[index];
      if ('applied' in result) {
        tally[result.applied] = (tally[result.applied] ?? 0) + 1;
        outcomes.push(completed(item.id));
        continue;
      }
      const outcome = outcomeOf(item.id, result.error, timeoutMs);
      const kind = outcome.status === 'deferred' ? 'deferred' : 'failed';
      tally[kind] = (tally[kind] ?? 0) + 1;
      if (outcome.status === 'failed' && !outcome.retryable) logger.warn({ entity, zohoId: item.zoho_id, err: outcome.error }, 'record refused; it goes to the dead-letter queue');
      outcomes.push(outcome);
    }
    logger.debug({ entity, items: items.length, fetched: fetchedCount, outcomes: tally }, 'queue batch applied');
    return outcomes;
  };

  /** The error Zoho's answer (or its absence) gave for a plan that asked Zoho, if any. */
  function fetchErrorOf(plan: Plan<RecordByEntity[E]>, fetched: Map<string, FetchResult<RecordByEntity[E]>>): unknown {
    if (plan.kind !== 'fetch' && plan.kind !== 'check') return undefined;
    const result = fetched.get(plan.id);
    return result?.status === 'error' ? result.error : undefined;
  }

  /** The batch entry of a plan whose record is at hand (carried, or found by Zoho); null for the rest and for verify repairs. */
  function batchEntry(item: QueueItem, plan: Plan<RecordByEntity[E]>, fetched: Map<string, FetchResult<RecordByEntity[E]>>, askedAt: string): ProductBatchEntry | null {
    if (item.source === 'verify') return null;
    if (plan.kind === 'apply') return { item: plan.record as RecordByEntity['products'], origin: { kind: 'carried' } };
    if (plan.kind !== 'fetch' && plan.kind !== 'check') return null;
    const result = fetched.get(plan.id);
    return result?.status === 'found' ? { item: result.record as RecordByEntity['products'], origin: { kind: 'fetched', askedAt } } : null;
  }

  async function runPlan(plan: Plan<RecordByEntity[E]>, fetched: Map<string, FetchResult<RecordByEntity[E]>>, askedAt: string): Promise<ApplyOutcome> {
    switch (plan.kind) {
      case 'failed':
        throw plan.error;
      case 'apply':
        return applyingCarriedRecord(() => applier.apply(db, plan.record, ctx));
      case 'check': {
        const result = fetched.get(plan.id) ?? { status: 'error', error: new Error(`no fetch result for ${plan.id}`) };
        if (result.status === 'found') return applyingFetchedRecord(askedAt, () => applier.apply(db, result.record, ctx));
        if (result.status === 'missing') return removeConfirmed(plan.id, plan.lastKnown);
        if (result.status === 'invalid') throw result.error satisfies ZohoValidationError;
        throw result.error;
      }
      case 'fetch': {
        const result = fetched.get(plan.id) ?? { status: 'error', error: new Error(`no fetch result for ${plan.id}`) };
        if (result.status === 'found') return applyingFetchedRecord(askedAt, () => applier.apply(db, result.record, ctx));
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
