import { ITEM_DETAILS_BATCH, type ZohoClient, type ZohoItem } from '@tsh/zoho-client';
import { fetchOne, isZohoNotFound, type FetchResult } from './fetch-result';

/**
 * Full items (with stock per location) through Inventory `itemdetails`, 100 ids per request. An id
 * the batch did not return is asked for alone, so only a 404 / code 1002 counts as deleted. A batch
 * refused as a whole with 404 / code 1002 (one of its ids no longer exists: zoho-facts.md leaves
 * open whether itemdetails omits such an id or fails) is asked for id by id, so one deleted item
 * neither hides its deletion nor dead-letters the rest of its batch. Any other failed batch gives
 * its error to each id not fetched yet.
 */
export async function fetchItemsByIds(zoho: ZohoClient, itemIds: readonly string[]): Promise<Map<string, FetchResult<ZohoItem>>> {
  const results = new Map<string, FetchResult<ZohoItem>>();
  const ids = [...new Set(itemIds.map(String).filter((id) => id.trim() !== ''))];
  const one = (id: string) => fetchOne(() => zoho.inventory.items.get(id));
  for (let start = 0; start < ids.length; start += ITEM_DETAILS_BATCH) {
    const chunk = ids.slice(start, start + ITEM_DETAILS_BATCH);
    try {
      for await (const batch of zoho.inventory.itemDetails.batches(chunk)) {
        for (const record of batch.records) results.set(record.item_id, { status: 'found', record });
        for (const error of batch.invalid) if (error.recordId !== undefined) results.set(error.recordId, { status: 'invalid', error });
      }
    } catch (error) {
      if (!isZohoNotFound(error)) {
        for (const id of ids.slice(start)) if (!results.has(id)) results.set(id, { status: 'error', error });
        return results;
      }
    }
    for (const id of chunk) if (!results.has(id)) results.set(id, await one(id));
  }
  return results;
}
