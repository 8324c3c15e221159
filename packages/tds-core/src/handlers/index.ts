export * from './types';
export * from './create-sync-handlers';
export { createRecordHandler, type RecordEntity } from './record-handler';
export { createStockHandler } from './stock-handler';
export { entityFetchers, DETAIL_CONCURRENCY, type RecordFetcher } from './entity-fetchers';
export { fetchItemsByIds } from './fetch-items';
export { fetchOne, isZohoNotFound, type FetchResult } from './fetch-result';
export { carriedRecord, type CarriedRecord } from './queue-item-record';
export { needsDetail } from './needs-detail';
