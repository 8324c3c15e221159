export * from './entities';
export * from './primitives';
export { toDecimalString } from './decimal';
export { calendarProblem, daysInMonth, formatZohoTimestamp, normalizeZohoTimestamp, parseZohoTimestamp, zohoTimestampProblem } from './timestamp';
export { parseRecord } from './parse';
export { compositeItemRecordSchema } from './composite-item-record';
