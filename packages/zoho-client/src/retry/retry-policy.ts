import { ZohoApiError, ZohoError, ZohoQuotaExhaustedError } from '../errors';

export type RetryDecision =
  | { retry: false }
  /** `pauseAll`: a 429, so every caller pauses, not only this one. */
  | { retry: true; pauseAll: boolean };

/**
 * Whether an attempt that failed with `error` is tried again. Retried: network errors, timeouts,
 * 429, 500/502/503/504 and non-JSON bodies (all flagged `retryable` where they are raised).
 * Never: validation 4xx, envelope errors, auth errors a person must fix, a spent daily quota.
 */
export function decideRetry(error: unknown, retriesDone: number, maxRetries: number): RetryDecision {
  if (retriesDone >= maxRetries) return { retry: false };
  if (!(error instanceof ZohoError) || !error.retryable) return { retry: false };
  if (error instanceof ZohoQuotaExhaustedError) return { retry: false };
  return { retry: true, pauseAll: error instanceof ZohoApiError && error.status === 429 };
}
