export * from './types';
export * from './errors';
export { readChanges, cursorOf, MAX_READ_LIMIT } from './read-changes';
export { sequenceChanges } from './sequence-changes';
export { subscribeChanges, type SubscribeDeps } from './subscribe';
export { ensureConsumer, listConsumers, resetConsumer } from './consumers';
export { createChangesApi, type TdsChangesApi, type ChangesApiDeps } from './core-api';
export { searchRecords, type RecordMatch } from './trace/search-records';
export { traceRecord, traceEntities, type RecordTrace, type TraceEvent, type TraceEntity } from './trace/trace-record';
