import type { ZohoCallOptions, ZohoClient } from '@tsh/zoho-client';
import type { ZohoInventoryAdjustment, ZohoTransferOrder } from '@tsh/zoho-client/internal';
import type { ApplyContext } from '../apply/apply-context';
import { fetchedAt } from '../apply/ask-time';
import { isRetryableError } from '../apply/error-retryable';
import { deleteProduct } from '../apply/product';
import { applyingFetchedRecord, DeletedRowNeedsCheckError } from '../apply/record-origin';
import { applyStockLevels } from '../apply/stock-levels';
import { silentLogger } from '../db/logger-like';
import type { QueueItem } from '../queue/types';
import { parseWebhookRecord } from '../transform/entities';
import { stockAffectedItemIds } from '../transform/stock-events';
import type { BatchHandler, ItemOutcome } from '../workers/types';
import { fetchItemsByIds } from './fetch-items';
import { fetchOne } from './fetch-result';
import { completed, deferred, failed, outcomeOf, stoppedBefore } from './item-outcome';
import { carriedRecord } from './queue-item-record';
import type { SyncHandlerDeps } from './types';
import { deferralOf, handlerCallOptions } from './zoho-wait';

/** How many times a batch asks Zoho: the first fetch, and once more for items deleted while it ran. */
const ASK_ROUNDS = 2;

type Affected = { itemIds: string[] } | { error: unknown };

// Adjustment and transfer ids first: their lines name items, their top level never does.
const STOCK_KEYS = ['inventory_adjustment', 'transfer_order', 'item'] as const;

async function movementItems(
  zoho: ZohoClient,
  kind: 'inventory_adjustment' | 'transfer_order',
  movement: ZohoInventoryAdjustment | ZohoTransferOrder,
  options: ZohoCallOptions,
): Promise<Affected> {
  const listed = stockAffectedItemIds(movement);
  if (listed !== null) return { itemIds: listed };
  const id = kind === 'inventory_adjustment' ? (movement as ZohoInventoryAdjustment).inventory_adjustment_id : (movement as ZohoTransferOrder).transfer_order_id;
  const detail = await fetchOne<ZohoInventoryAdjustment | ZohoTransferOrder>(() =>
    kind === 'inventory_adjustment' ? zoho.inventory.inventoryAdjustments.get(id, undefined, options) : zoho.inventory.transferOrders.get(id, undefined, options),
  );
  if (detail.status === 'found') return { itemIds: stockAffectedItemIds(detail.record) ?? [] };
  // A movement deleted before we could read it: which items it touched is unknown; reconciliation
  // (the stock sync) brings their stock back in line.
  if (detail.status === 'missing') return { itemIds: [] };
  return { error: detail.error };
}

/** Which items' stock a stock queue item is about: the item itself, or the lines of a movement. */
async function affectedItems(zoho: ZohoClient, item: QueueItem, options: ZohoCallOptions): Promise<Affected> {
  const carried = carriedRecord(item.payload, STOCK_KEYS);
  if (carried === null) return { itemIds: [item.zoho_id] };
  try {
    if (carried.key === 'item') return { itemIds: [parseWebhookRecord('item', carried.raw).item_id] };
    if (carried.key === 'inventory_adjustment') return await movementItems(zoho, carried.key, parseWebhookRecord(carried.key, carried.raw), options);
    if (carried.key === 'transfer_order') return await movementItems(zoho, carried.key, parseWebhookRecord(carried.key, carried.raw), options);
    return { error: new Error(`the stock route does not take a ${carried.key} record`) };
  } catch (error) {
    // An item is refreshed from Zoho by id anyway, so a malformed copy of it (or a dead letter of
    // one replayed after the fix in Zoho) still names the item. A malformed movement names its
    // items in its lines only if it parsed; a delete of an unreadable record has nothing to refresh.
    if (carried.key === 'item' && item.operation !== 'delete' && item.zoho_id.trim() !== '') return { itemIds: [item.zoho_id] };
    return item.operation === 'delete' ? { itemIds: [] } : { error };
  }
}

/**
 * The stock handler: an item's stock event, an inventory adjustment or a transfer order refreshes
 * the stock of every item it touched. The items are fetched fresh through `itemdetails` (100 per
 * request) and their stock_levels rows and products.available_stock rewritten; an item Zoho no
 * longer has is soft-deleted. A queue item completes when all its items were refreshed.
 */
export function createStockHandler(deps: SyncHandlerDeps & { applyContext: ApplyContext }): BatchHandler {
  const logger = deps.logger ?? silentLogger;
  const { db, zoho, applyContext: ctx } = deps;

  return async (items, { signal, timeoutMs }) => {
    const affected = await Promise.all(items.map((item) => affectedItems(zoho, item, handlerCallOptions(signal, deps.zohoMaxWaitMs))));
    const itemIds = [...new Set(affected.flatMap((a) => ('itemIds' in a ? a.itemIds : [])))];
    const errors = new Map<string, unknown>();
    // The database clock is read before Zoho is asked: an item soft-deleted after that moment (its
    // deletion confirmed while this fetch ran) is not restored by the refresh but asked for once
    // more, and that answer decides (docs/deletions.md).
    let pending = itemIds;
    for (let round = 1; pending.length > 0; round++) {
      const { askedAt, results: fetched } = await fetchedAt(db, () => fetchItemsByIds(zoho, pending, handlerCallOptions(signal, deps.zohoMaxWaitMs)));
      const again: string[] = [];
      for (const id of pending) {
        const result = fetched.get(id);
        if (signal.aborted) {
          errors.set(id, result?.status === 'error' ? result.error : stoppedBefore(signal, 'this item was not refreshed'));
          continue;
        }
        try {
          if (result?.status === 'found') await applyingFetchedRecord(askedAt, () => applyStockLevels(db, result.record, ctx));
          else if (result?.status === 'missing') await deleteProduct(db, id, ctx);
          else throw result?.error ?? new Error(`no fetch result for item ${id}`);
        } catch (error) {
          if (error instanceof DeletedRowNeedsCheckError && round < ASK_ROUNDS) again.push(id);
          else errors.set(id, error);
        }
      }
      pending = again;
    }

    const outcomes: ItemOutcome[] = items.map((item, index) => {
      const target = affected[index];
      if ('error' in target) return outcomeOf(item.id, target.error, timeoutMs);
      const problems = target.itemIds.filter((id) => errors.has(id));
      if (problems.length === 0) return completed(item.id);
      // Deferred only when every item it needs was kept waiting on Zoho; one real failure counts an attempt.
      const deferrals = problems.map((id) => deferralOf(errors.get(id), timeoutMs));
      if (deferrals.every((d) => d !== null)) {
        const latest = Math.max(...deferrals.map((d) => d!.notBefore?.getTime() ?? 0));
        return deferred(item.id, { reason: deferrals[0]!.reason, ...(latest > 0 ? { notBefore: new Date(latest) } : {}) });
      }
      const first = errors.get(problems[0]);
      const retryable = problems.some((id) => isRetryableError(errors.get(id)));
      return failed(item.id, problems.length > 1 ? new Error(`${problems.length} items failed; item ${problems[0]}: ${String((first as Error)?.message ?? first)}`) : first, retryable);
    });
    logger.debug({ entity: 'stock', items: items.length, refreshed: itemIds.length - errors.size, failed: errors.size }, 'stock batch refreshed');
    return outcomes;
  };
}
