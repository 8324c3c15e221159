import { createApplyContext } from '../apply/apply-context';
import type { EntityType } from '../transform/entities';
import type { BatchHandler } from '../workers/types';
import { createRecordHandler } from './record-handler';
import { createStockHandler } from './stock-handler';
import type { SyncHandlerDeps } from './types';

/**
 * The worker pool's handlers, one per entity type of the queue (products, customers, invoices,
 * bills, stock, pricelists), sharing one set of category and price-list caches.
 */
export function createSyncHandlers(deps: SyncHandlerDeps): Record<EntityType, BatchHandler> {
  const full = { ...deps, applyContext: deps.applyContext ?? createApplyContext(deps.config) };
  return {
    products: createRecordHandler('products', full),
    customers: createRecordHandler('customers', full),
    invoices: createRecordHandler('invoices', full),
    bills: createRecordHandler('bills', full),
    pricelists: createRecordHandler('pricelists', full),
    stock: createStockHandler(full),
  };
}
