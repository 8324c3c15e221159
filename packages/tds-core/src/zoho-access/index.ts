export * from './postgres-rate-limiter';
export * from './postgres-token-store';
export { readRateLimitStatus, recordDailyQuota, type DailyQuotaStatus, type RateLimitStatus } from './rate-limit-sql';
export * from './token-cipher';
