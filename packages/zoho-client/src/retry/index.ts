export { fullJitterDelay, rateLimitPauseMs, type BackoffOptions } from './backoff';
export { decideRetry, type RetryDecision } from './retry-policy';
