import type { ZohoCallOptions, ZohoClient } from '@tsh/zoho-client';
import type { RecordByEntity } from '../apply/entity-appliers';
import type { EntityType } from '../transform/entities';
import { fetchItemsByIds } from './fetch-items';
import { fetchOne, type FetchResult } from './fetch-result';
import { mapLimit } from './map-limit';

/** Detail requests in flight at once per batch; the client's rate limiter still has the last word. */
export const DETAIL_CONCURRENCY = 4;

/** `options.signal` (a handler's deadline) cancels the Zoho requests still running when it fires. */
export type RecordFetcher<E extends EntityType> = (
  zoho: ZohoClient,
  ids: readonly string[],
  options?: ZohoCallOptions,
) => Promise<Map<string, FetchResult<RecordByEntity[E]>>>;

function byDetail<R>(get: (zoho: ZohoClient, id: string, options: ZohoCallOptions) => Promise<R>) {
  return async (zoho: ZohoClient, ids: readonly string[], options: ZohoCallOptions = {}): Promise<Map<string, FetchResult<R>>> => {
    const unique = [...new Set(ids)];
    const results = await mapLimit(unique, DETAIL_CONCURRENCY, (id) => fetchOne(() => get(zoho, id, options)));
    return new Map(unique.map((id, i) => [id, results[i]]));
  };
}

/**
 * How each entity's full records are fetched by id: items in `itemdetails` batches of 100 (with
 * stock per location), documents, contacts and price books by their detail GET.
 */
export const entityFetchers: { [E in EntityType]: RecordFetcher<E> } = {
  products: fetchItemsByIds,
  stock: fetchItemsByIds,
  customers: byDetail((zoho, id, options) => zoho.books.contacts.get(id, undefined, options)),
  invoices: byDetail((zoho, id, options) => zoho.books.invoices.get(id, undefined, options)),
  bills: byDetail((zoho, id, options) => zoho.books.bills.get(id, undefined, options)),
  pricelists: byDetail((zoho, id, options) => zoho.books.pricebooks.get(id, undefined, options)),
};
