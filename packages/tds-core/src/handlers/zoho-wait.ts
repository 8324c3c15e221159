import { ZohoAbortedError, ZohoApiError, ZohoQuotaExhaustedError, type ZohoCallOptions } from '@tsh/zoho-client';

/**
 * The options of every Zoho call a queue handler makes: its deadline cancels the call, and a spent
 * daily quota fails the call at once (ZohoQuotaExhaustedError with the reset time) instead of
 * holding the worker's slot until the deadline; the item is then deferred to the reset. Other
 * callers of the same client (`tds sync`, scheduled syncs) keep the client's own choice.
 */
export function handlerCallOptions(signal: AbortSignal): ZohoCallOptions {
  return { signal, onDailyQuotaExhausted: 'fail' };
}

/** Why an item goes back without a counted attempt, and when it may run again. */
export interface Deferral {
  reason: string;
  notBefore?: Date;
}

/** Marks an error as "the item was not tried": the deadline came before the handler got to it. */
export function notTried(error: Error): Error {
  return Object.assign(error, { retryable: true, notTried: true });
}

/**
 * Whether an error means the item was kept waiting on Zoho rather than tried (docs/webhooks-and-queue.md):
 * - a spent daily quota (deferred to its reset: the quota is per API, so only that API's items wait);
 * - the deadline fired while the call waited for a rate-limit slot, a 429 pause, a retry backoff, the
 *   quota or a token (ZohoAbortedError phase 'waiting'): Zoho was never asked;
 * - the deadline fired with a request in flight for less than half the handler's time: it was sent
 *   late (after a long wait), Zoho did not have a fair chance to answer. A request Zoho held for
 *   half the time limit or longer is a real attempt and counts: a record whose every request hangs
 *   must reach the dead-letter queue after max_retries, not cycle for ever;
 * - a 429 still refused after the client's own retries (the shared per-minute budget is spent);
 * - an item the handler did not get to before its deadline (notTried).
 * Anything else is a failed attempt.
 */
export function deferralOf(error: unknown, timeoutMs?: number): Deferral | null {
  if (error instanceof ZohoQuotaExhaustedError) return { reason: error.message, notBefore: error.resetAt };
  if (error instanceof ZohoAbortedError) {
    if (error.phase === 'waiting') return { reason: error.message };
    return timeoutMs !== undefined && error.inFlightMs < timeoutMs / 2 ? { reason: error.message } : null;
  }
  if (error instanceof ZohoApiError && error.status === 429) {
    return { reason: error.message, ...(error.retryAfterMs ? { notBefore: new Date(Date.now() + error.retryAfterMs) } : {}) };
  }
  if (error instanceof Error && (error as { notTried?: unknown }).notTried === true) return { reason: error.message };
  return null;
}
