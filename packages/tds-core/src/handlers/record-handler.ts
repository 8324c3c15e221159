import { ZohoValidationError } from '@tsh/zoho-client';
import type { ApplyContext } from '../apply/apply-context';
import { entityAppliers, type RecordByEntity } from '../apply/entity-appliers';
import type { ApplyOutcome } from '../apply/types';
import { silentLogger } from '../db/logger-like';
import type { QueueItem } from '../queue/types';
import { parseWebhookRecord, primaryWebhookKeyOf } from '../transform/entities';
import type { BatchHandler, ItemOutcome } from '../workers/types';
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
  | { kind: 'delete'; id: string; record?: R }
  | { kind: 'failed'; error: unknown };

function parseCarried<E extends RecordEntity>(entity: E, payload: unknown): RecordByEntity[E] | null {
  const key = primaryWebhookKeyOf[entity];
  const carried = carriedRecord(payload, [key]);
  return carried === null ? null : (parseWebhookRecord(carried.key, carried.raw) as RecordByEntity[E]);
}

function planItem<E extends RecordEntity>(entity: E, item: QueueItem): Plan<RecordByEntity[E]> {
  if (item.operation === 'delete') {
    let record: RecordByEntity[E] | undefined;
    try {
      record = parseCarried(entity, item.payload) ?? undefined;
    } catch {
      // The deletion goes through by id even when the last state it carried is malformed.
    }
    return { kind: 'delete', id: item.zoho_id, record };
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

/**
 * The queue handler of one record entity: records carried whole are applied directly; ids, rows
 * too reduced to apply, and carried records that fail their schema are fetched first (itemdetails
 * batches for items, detail GETs otherwise); a record Zoho no longer has is soft-deleted; delete
 * events soft-delete. Each item gets its own outcome, so one bad record never holds up the rest of
 * the batch.
 */
export function createRecordHandler<E extends RecordEntity>(entity: E, deps: SyncHandlerDeps & { applyContext: ApplyContext }): BatchHandler {
  const applier = entityAppliers[entity];
  const logger = deps.logger ?? silentLogger;
  const { db, zoho, applyContext: ctx } = deps;

  return async (items, { signal }) => {
    const plans = items.map((item) => planItem(entity, item));
    const fetchIds = plans.flatMap((plan) => (plan.kind === 'fetch' ? [plan.id] : []));
    const fetched: Map<string, FetchResult<RecordByEntity[E]>> = fetchIds.length > 0 ? await entityFetchers[entity](zoho, fetchIds) : new Map();

    const outcomes: ItemOutcome[] = [];
    const tally: Partial<Record<ApplyOutcome | 'failed', number>> = {};
    for (const [index, item] of items.entries()) {
      const plan = plans[index];
      let outcome: ItemOutcome;
      try {
        if (signal.aborted) throw Object.assign(new Error('handler stopped before this item was applied'), { retryable: true });
        const applied = await runPlan(plan, fetched);
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
        return applier.apply(db, plan.record, ctx);
      case 'delete':
        return applier.remove(db, plan.id, ctx, plan.record);
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
}
