export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  random: () => number;
}

/** Exponential backoff with full jitter: uniform in [0, min(max, base·2^(attempt-1))]. */
export function fullJitterDelay(attempt: number, { baseMs, maxMs, random }: BackoffOptions): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}

/**
 * The pause every caller takes after a 429: Zoho's Retry-After when sent, else full jitter with a
 * floor of the base delay, so that an unlucky draw never turns into an immediate hammering retry.
 */
export function rateLimitPauseMs(attempt: number, retryAfter: number | undefined, options: BackoffOptions): number {
  if (retryAfter !== undefined) return retryAfter;
  return Math.max(options.baseMs, fullJitterDelay(attempt, options));
}
