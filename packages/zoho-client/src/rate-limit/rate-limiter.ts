import type { ZohoApiName } from '../data-centers';

/** The daily quota as Zoho reports it in `X-Rate-Limit-*` response headers. */
export interface ZohoQuota {
  limit: number;
  remaining: number;
  /** Seconds until the daily quota resets. */
  resetSeconds: number;
  /**
   * The API whose response carried the headers: one organization has a different daily quota on
   * Books and on Inventory (e.g. 1,000 and 7,500 the same day), so each is tracked on its own.
   */
  api?: ZohoApiName;
}

/**
 * Paces requests to one Zoho organization. The default keeps the budget in process (p-queue);
 * tds-core's PostgreSQL implementation shares one budget between processes.
 *
 * Contract:
 * - `schedule(fn)` runs `fn` (one HTTP attempt) once a slot is free: at most `requestsPerMinute`
 *   starts in any rolling 60 s window and at most `maxConcurrent` running. It resolves or rejects
 *   with whatever `fn` does; a retry is a new `schedule` call. When `options.signal` aborts before
 *   `fn` started, the call stops waiting for its slot and rejects with the signal's reason (`fn`
 *   then never runs); once `fn` runs, cancelling it is `fn`'s business.
 * - `options.maxWaitMs`: the caller will not wait longer than this for its start (a rate-limit
 *   slot, an in-flight slot, a 429 pause). When the limiter can tell ahead of time that the wait is
 *   longer, it rejects at once; a wait it could not foresee ends at `maxWaitMs`. Either way it
 *   rejects with ZohoWaitTooLongError (`waitingFor` 'rate-limit-slot' or 'rate-limit-pause',
 *   `retryAt` its best estimate of when a slot is free), `fn` never runs, and giving up takes no
 *   slot (a slot granted to a caller that gave up is released unused). Without it the caller waits
 *   as long as it takes (`tds sync`). `options.endpoint` only names the call in that error.
 * - `pause(ms)` is called after a 429: no new `fn` may start (in any process sharing the limiter)
 *   until `ms` from now. A second pause extends, never shortens, the current one.
 * - `updateQuota(quota)` is optional: it is told the daily quota read from each response, for
 *   implementations that share or persist it, with the API it came from. The client itself waits
 *   when that API's daily quota is spent (the other API goes on).
 */
export interface ScheduleOptions {
  signal?: AbortSignal;
  maxWaitMs?: number;
  endpoint?: string;
}

export interface RateLimiter {
  schedule<T>(fn: () => Promise<T>, options?: ScheduleOptions): Promise<T>;
  pause(ms: number): void | Promise<void>;
  updateQuota?(quota: ZohoQuota): void | Promise<void>;
}
