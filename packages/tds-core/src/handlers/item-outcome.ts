import { isRetryableError } from '../apply/error-retryable';
import { errorText } from '../queue/error-text';
import type { ItemOutcome } from '../workers/types';

export const completed = (id: string): ItemOutcome => ({ id, status: 'completed' });

/** A failure as the worker records it: retried later when retryable, else moved to the DLQ with this reason. */
export function failed(id: string, error: unknown, retryable = isRetryableError(error)): ItemOutcome {
  return { id, status: 'failed', error: errorText(error), retryable };
}
