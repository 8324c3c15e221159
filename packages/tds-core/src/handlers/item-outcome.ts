import { isRetryableError } from '../apply/error-retryable';
import { errorText } from '../queue/error-text';
import type { ItemOutcome } from '../workers/types';

export const completed = (id: string): ItemOutcome => ({ id, status: 'completed' });

/** A failure as the worker records it: retried later when retryable, else moved to the DLQ with this reason. */
export function failed(id: string, error: unknown, retryable = isRetryableError(error)): ItemOutcome {
  return { id, status: 'failed', error: errorText(error), retryable };
}

/** The retryable error of an item a handler did not get to before its deadline signal fired (the signal's reason says why). */
export function stoppedBefore(signal: AbortSignal, what: string): Error {
  const reason = signal.reason instanceof Error ? signal.reason.message : 'handler stopped';
  return Object.assign(new Error(`${reason}; ${what}`), { retryable: true });
}
