import type { ZohoClient } from '@tsh/zoho-client';
import type { RecordByEntity } from '../apply/entity-appliers';
import type { EntityType } from '../transform/entities';
import { fetchItemsByIds } from './fetch-items';
import { fetchOne, type FetchResult } from './fetch-result';
import { mapLimit } from './map-limit';

/** Detail requests in flight at once per batch; the client's rate limiter still has the last word. */
export const DETAIL_CONCURRENCY = 4;

export type RecordFetcher<E extends EntityType> = (zoho: ZohoClient, ids: readonly string[]) => Promise<Map<string, FetchResult<RecordByEntity[E]>>>;

function byDetail<R>(get: (zoho: ZohoClient, id: string) => Promise<R>) {
  return async (zoho: ZohoClient, ids: readonly string[]): Promise<Map<string, FetchResult<R>>> => {
    const unique = [...new Set(ids)];
    const results = await mapLimit(unique, DETAIL_CONCURRENCY, (id) => fetchOne(() => get(zoho, id)));
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
  customers: byDetail((zoho, id) => zoho.books.contacts.get(id)),
  invoices: byDetail((zoho, id) => zoho.books.invoices.get(id)),
  bills: byDetail((zoho, id) => zoho.books.bills.get(id)),
  pricelists: byDetail((zoho, id) => zoho.books.pricebooks.get(id)),
};
