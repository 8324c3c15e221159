import type { ZohoClient, ZohoItem } from '@tsh/zoho-client';
import { fetchOne, type FetchResult } from './fetch-result';

/**
 * Full items (with stock per location) through Inventory `itemdetails`, 100 ids per request. An id
 * the batch did not return is asked for alone, so only a 404 / code 1002 counts as deleted.
 * A failed batch gives its error to each of its ids.
 */
export async function fetchItemsByIds(zoho: ZohoClient, itemIds: readonly string[]): Promise<Map<string, FetchResult<ZohoItem>>> {
  const results = new Map<string, FetchResult<ZohoItem>>();
  const ids = [...new Set(itemIds)];
  const batches = zoho.inventory.itemDetails.batches(ids);
  let done = 0;
  try {
    for await (const batch of batches) {
      for (const record of batch.records) results.set(record.item_id, { status: 'found', record });
      for (const error of batch.invalid) if (error.recordId !== undefined) results.set(error.recordId, { status: 'invalid', error });
      for (const id of batch.itemIds) {
        if (!results.has(id)) results.set(id, await fetchOne(() => zoho.inventory.items.get(id)));
      }
      done += batch.itemIds.length;
    }
  } catch (error) {
    for (const id of ids.slice(done)) if (!results.has(id)) results.set(id, { status: 'error', error });
  }
  return results;
}
