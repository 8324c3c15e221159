export type { RateLimiter, ScheduleOptions, ZohoQuota } from './rate-limiter';
export { createPQueueRateLimiter, type PQueueRateLimiterOptions } from './p-queue-rate-limiter';
export { readQuotaHeaders } from './quota-headers';
