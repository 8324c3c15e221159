/**
 * Whether a failed apply (or fetch) is worth retrying. Errors that say so themselves (Zoho client
 * errors, RecordRejectedError) decide; PostgreSQL data exceptions (class 22: a value the column
 * cannot hold) are permanent; integrity violations (class 23, e.g. a foreign key whose parent is
 * not there yet), deadlocks, lost connections and anything unknown are retried.
 */
export function isRetryableError(error: unknown): boolean {
  if (error !== null && typeof error === 'object') {
    const flag = (error as { retryable?: unknown }).retryable;
    if (typeof flag === 'boolean') return flag;
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return !code.startsWith('22');
  }
  return true;
}
