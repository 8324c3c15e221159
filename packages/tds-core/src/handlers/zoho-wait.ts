import { ZohoAbortedError, ZohoApiError, ZohoQuotaExhaustedError, ZohoWaitTooLongError, type ZohoCallOptions } from '@tsh/zoho-client';

/**
 * The longest a queue handler's Zoho call waits for a rate-limit slot, a 429 pause or a retry
 * backoff before it gives up and its items are deferred (docs/webhooks-and-queue.md). 3 s: at 100
 * requests a minute a busy but unspent window frees a slot every 0.6 s and the in-flight cap frees
 * one within a usual request's time (well under 3 s), and the first retry backoffs are 1-2 s, so
 * ordinary pacing is waited out in place; a spent window (up to 60 s), a long 429 pause or a late
 * backoff (4-60 s) is cheaper to give back to the queue than to hold a worker through.
 */
export const HANDLER_ZOHO_MAX_WAIT_MS = 3_000;

/**
 * The options of every Zoho call a queue handler makes: its deadline cancels the call; a spent
 * daily quota fails the call at once (ZohoQuotaExhaustedError with the reset time), and a wait for
 * the rate limit or a retry longer than `maxWaitMs` fails it at once (ZohoWaitTooLongError with
 * `retryAt`), instead of holding the worker's slot; the item is then deferred to that time. Other
 * callers of the same client (`tds sync`, scheduled syncs) keep the client's own choice and wait.
 */
export function handlerCallOptions(signal: AbortSignal, maxWaitMs = HANDLER_ZOHO_MAX_WAIT_MS): ZohoCallOptions {
  return { signal, onDailyQuotaExhausted: 'fail', maxWaitMs };
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
 * - a wait for a rate-limit slot, a 429 pause or a retry backoff longer than the call's maxWaitMs
 *   (ZohoWaitTooLongError): deferred to its `retryAt`, the worker's slot is free at once;
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
  if (error instanceof ZohoWaitTooLongError) return { reason: error.message, notBefore: error.retryAt };
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
