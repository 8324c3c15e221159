export * from './entities';
export * from './primitives';
export { toDecimalString } from './decimal';
export { formatZohoTimestamp, normalizeZohoTimestamp, parseZohoTimestamp } from './timestamp';
export { parseRecord } from './parse';
export { compositeItemRecordSchema } from './composite-item-record';
