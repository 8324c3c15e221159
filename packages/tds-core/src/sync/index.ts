export * from './types';
export { syncEntity, DEFAULT_OVERLAP_MS } from './sync-entity';
export { syncAll, SYNC_ORDER, type SyncAllOptions, type SyncSkipped } from './sync-all';
export { SyncCancelledError } from './sync-run';
export { insertSyncDeadLetter, jsonbText, type SyncDeadLetter } from './dead-letter';
export { keysetPages, latestModified, numberedPages, pagesByModifiedTime, type KeysetRequest } from './page-walkers';
export { reconciledTables } from './reconcile';
export { emptyCounts } from './counts';
