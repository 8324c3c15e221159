import PQueue from 'p-queue';
import { systemClock, type ZohoClock } from '../clock';
import { ZohoWaitTooLongError } from '../errors';
import type { RateLimiter, ScheduleOptions } from './rate-limiter';

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
  const cap = options.requestsPerMinute ?? 100;
  const intervalMs = options.intervalMs ?? 60_000;
  const queue = new PQueue({
    concurrency: options.maxConcurrent ?? 10,
    intervalCap: cap,
    interval: intervalMs,
    // Sliding window: a fixed window lets 2× the cap through across a window boundary.
    strict: true,
  });
  let resumeAt = 0;
  let generation = 0;
  /** Start times inside the current window (ours, kept to tell a new caller its wait ahead of time). */
  let starts: number[] = [];

  /**
   * How long a caller joining the queue now waits for its start under the window and the pause:
   * each start comes at the earliest `intervalMs` after the start `cap` places before it. The
   * concurrency cap is not foreseen (its waits are a request's length); maxWaitMs still bounds them.
   */
  function estimatedWaitMs(now: number): number {
    starts = starts.filter((t) => t > now - intervalMs);
    const timeline = [...starts];
    let mine = now;
    for (let ahead = 0; ahead <= queue.size; ahead++) {
      mine = timeline.length >= cap ? Math.max(now, timeline[timeline.length - cap]! + intervalMs) : now;
      timeline.push(mine);
    }
    return Math.max(mine, resumeAt) - now;
  }

  function waitTooLong(waitMs: number, maxWaitMs: number, endpoint: string | undefined, now: number) {
    return new ZohoWaitTooLongError({
      endpoint: endpoint ?? 'Zoho',
      waitingFor: resumeAt > now ? 'rate-limit-pause' : 'rate-limit-slot',
      waitMs,
      maxWaitMs,
      retryAt: new Date(now + waitMs),
    });
  }

  function schedule<T>(fn: () => Promise<T>, scheduleOptions: ScheduleOptions = {}): Promise<T> {
    const { signal, maxWaitMs, endpoint } = scheduleOptions;
    const run = () => {
      const now = clock.now();
      // Only the window's starts are kept, whether or not any caller asks for an estimate.
      while (starts.length > 0 && starts[0]! <= now - intervalMs) starts.shift();
      starts.push(now);
      return fn();
    };
    // p-queue drops an entry whose signal aborts while it waits (also during a 429 pause).
    if (maxWaitMs === undefined) return queue.add(run, { signal });
    const now = clock.now();
    const foreseen = estimatedWaitMs(now);
    if (foreseen > maxWaitMs) return Promise.reject(waitTooLong(foreseen, maxWaitMs, endpoint, now));
    // A wait the estimate did not foresee (the concurrency cap) ends at maxWaitMs: the entry is
    // dropped before it starts, so giving up never takes a slot.
    const giveUp = new AbortController();
    const timer = setTimeout(() => giveUp.abort(), maxWaitMs);
    return queue
      .add(() => {
        clearTimeout(timer);
        return run();
      }, { signal: signal ? AbortSignal.any([signal, giveUp.signal]) : giveUp.signal })
      .catch((error: unknown) => {
        if (!giveUp.signal.aborted || signal?.aborted) throw error;
        const at = clock.now();
        throw waitTooLong(Math.max(estimatedWaitMs(at), maxWaitMs), maxWaitMs, endpoint, at);
      })
      .finally(() => clearTimeout(timer));
  }

  return {
    schedule,
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
