import type { ZohoQuota } from './rate-limiter';

function headerNumber(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  if (value === null || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number(value);
}

/** Reads `X-Rate-Limit-Limit`, `-Remaining` and `-Reset` (seconds to the daily reset); undefined if absent. */
export function readQuotaHeaders(headers: Headers): ZohoQuota | undefined {
  const limit = headerNumber(headers, 'x-rate-limit-limit');
  const remaining = headerNumber(headers, 'x-rate-limit-remaining');
  const resetSeconds = headerNumber(headers, 'x-rate-limit-reset');
  if (limit === undefined || remaining === undefined || resetSeconds === undefined) return undefined;
  return { limit, remaining, resetSeconds };
}
