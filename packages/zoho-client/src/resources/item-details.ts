import type { z } from 'zod';
import { callOptions, type ZohoCallOptions } from '../abortable';
import { ZohoApiError, type ZohoValidationError } from '../errors';
import type { ZohoRequest } from '../request/request-core';
import { itemSchema } from '../schemas/entities';
import { parseRows } from './list-resource';

export const ITEM_DETAILS_BATCH = 100;

type Item = z.output<typeof itemSchema>;

export interface ZohoItemDetailsBatch {
  records: Item[];
  invalid: ZohoValidationError[];
  /** The ids asked for in this batch. */
  itemIds: string[];
}

export interface ZohoItemDetailsResource {
  /** Full items (with per-location stock) for any number of ids, 100 per request. */
  list(itemIds: readonly string[], options?: ZohoCallOptions): Promise<{ records: Item[]; invalid: ZohoValidationError[] }>;
  /** The same, one batch of up to 100 at a time, for constant memory. */
  batches(itemIds: readonly string[], options?: ZohoCallOptions): AsyncGenerator<ZohoItemDetailsBatch, void, undefined>;
}

/** Inventory `GET /itemdetails?item_ids=a,b,…`: up to 100 full items per request. */
export function createItemDetailsResource(request: ZohoRequest): ZohoItemDetailsResource {
  async function* batches(itemIds: readonly string[], options: ZohoCallOptions = {}) {
    const ids = [...new Set(itemIds.map(String).filter((id) => id.trim() !== ''))];
    for (let start = 0; start < ids.length; start += ITEM_DETAILS_BATCH) {
      const batch = ids.slice(start, start + ITEM_DETAILS_BATCH);
      const envelope = await request('GET', 'inventory', '/itemdetails', { query: { item_ids: batch.join(',') }, ...callOptions(options) });
      const rows = envelope.items;
      if (!Array.isArray(rows)) {
        throw new ZohoApiError({ status: 200, endpoint: '/inventory/v1/itemdetails', retryable: false, message: 'response has no "items" array' });
      }
      yield { ...parseRows(rows, { schema: itemSchema, entity: 'item', idField: 'item_id' }), itemIds: batch };
    }
  }
  return {
    batches,
    async list(itemIds, options) {
      const records: Item[] = [];
      const invalid: ZohoValidationError[] = [];
      for await (const batch of batches(itemIds, options)) {
        records.push(...batch.records);
        invalid.push(...batch.invalid);
      }
      return { records, invalid };
    },
  };
}
