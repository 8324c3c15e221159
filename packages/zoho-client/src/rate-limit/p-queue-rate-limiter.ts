import PQueue from 'p-queue';
import { systemClock, type ZohoClock } from '../clock';
import type { RateLimiter } from './rate-limiter';

export interface PQueueRateLimiterOptions {
  /** Starts allowed in any rolling window (default 100). */
  requestsPerMinute?: number;
  /** Requests in flight at once (default 10). */
  maxConcurrent?: number;
  /** Window length (default 60 000 ms). */
  intervalMs?: number;
  clock?: ZohoClock;
}

/** In-process limiter for one organization: a strict (sliding-window) p-queue plus a global pause. */
export function createPQueueRateLimiter(options: PQueueRateLimiterOptions = {}): RateLimiter {
  const clock = options.clock ?? systemClock;
  const queue = new PQueue({
    concurrency: options.maxConcurrent ?? 10,
    intervalCap: options.requestsPerMinute ?? 100,
    interval: options.intervalMs ?? 60_000,
    // Sliding window: a fixed window lets 2× the cap through across a window boundary.
    strict: true,
  });
  let resumeAt = 0;
  let generation = 0;

  return {
    // p-queue drops an entry whose signal aborts while it waits (also during a 429 pause).
    schedule: (fn, scheduleOptions) => queue.add(fn, { signal: scheduleOptions?.signal }),
    pause(ms) {
      const until = clock.now() + Math.max(0, ms);
      if (until <= resumeAt) return;
      resumeAt = until;
      const mine = ++generation;
      queue.pause();
      void clock.sleep(until - clock.now()).then(() => {
        if (mine === generation) queue.start();
      });
    },
  };
}
