import { isRetryableError } from '../apply/error-retryable';
import { errorText } from '../queue/error-text';
import type { ItemOutcome } from '../workers/types';
import { deferralOf, notTried, type Deferral } from './zoho-wait';

export const completed = (id: string): ItemOutcome => ({ id, status: 'completed' });

/** A failure as the worker records it: retried later when retryable, else moved to the DLQ with this reason. */
export function failed(id: string, error: unknown, retryable = isRetryableError(error)): ItemOutcome {
  return { id, status: 'failed', error: errorText(error), retryable };
}

/** An item kept waiting on Zoho: back to pending without a counted attempt (docs/webhooks-and-queue.md). */
export function deferred(id: string, deferral: Deferral): ItemOutcome {
  return { id, status: 'deferred', reason: errorText(deferral.reason), ...(deferral.notBefore ? { notBefore: deferral.notBefore } : {}) };
}

/** The outcome of an item that did not apply: deferred when `error` says it was kept waiting on Zoho (zoho-wait.ts), else failed. */
export function outcomeOf(id: string, error: unknown, timeoutMs?: number): ItemOutcome {
  const deferral = deferralOf(error, timeoutMs);
  return deferral ? deferred(id, deferral) : failed(id, error);
}

/** The error of an item a handler did not get to before its deadline signal fired (the signal's reason says why): not tried, so not an attempt. */
export function stoppedBefore(signal: AbortSignal, what: string): Error {
  const reason = signal.reason instanceof Error ? signal.reason.message : 'handler stopped';
  return notTried(new Error(`${reason}; ${what}`));
}
