import type { RateLimiter, ZohoQuota } from '@tsh/zoho-client';
import type { BudgetReading } from './scheduled-verify-plan';

/** A scheduled verify reached the number of Zoho requests its budget share allows. */
export class VerifyBudgetSpentError extends Error {
  constructor(readonly allowance: number) {
    super(`the verify's Zoho budget of ${allowance} requests is spent`);
    this.name = 'VerifyBudgetSpentError';
  }
}

export interface BudgetedRateLimiterOptions {
  /** The shared limiter every request still goes through (one budget, one 429 pause for all processes). */
  inner: RateLimiter;
  /** Requests this run may make in all. */
  allowance: number;
  /** Requests it may start per window. */
  perWindow: number;
  windowMs?: number;
  /** The shared budget now; a request waits while others leave less than `perWindow` free. */
  readBudget: () => Promise<Pick<BudgetReading, 'perMinute' | 'busyInWindow' | 'pausedUntil'>>;
  /** Aborted when the allowance is spent (so the run stops between entities) or the schedule stops. */
  abort: AbortController;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
}

export interface BudgetedRateLimiter extends RateLimiter {
  /** Requests granted so far (each attempt, retries included). */
  used(): number;
}

const abortableSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

/**
 * The rate limiter of a scheduled verify's own Zoho client. Every request still takes a slot of the
 * shared limiter; before asking for one, this limiter makes the verify a polite guest: one request
 * at a time, at most `perWindow` starts in any window (its share of the budget), none while the
 * shared window leaves others less than that, and none past `allowance` in all. So however busy
 * syncs get, the verify holds at most its share of any window and backs off while syncs need it.
 */
export function createBudgetedRateLimiter(options: BudgetedRateLimiterOptions): BudgetedRateLimiter {
  const windowMs = options.windowMs ?? 60_000;
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? Date.now;
  const signal = options.abort.signal;
  const starts: number[] = [];
  let granted = 0;
  let turn: Promise<void> = Promise.resolve();

  async function takeTurn(): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      if (granted >= options.allowance) {
        const spent = new VerifyBudgetSpentError(options.allowance);
        options.abort.abort(spent);
        throw spent;
      }
      while (starts.length > 0 && starts[0] <= now() - windowMs) starts.shift();
      if (starts.length >= options.perWindow) {
        await sleep(starts[0] + windowMs - now() + 1, signal);
        continue;
      }
      const budget = await options.readBudget();
      const pausedFor = budget.pausedUntil ? budget.pausedUntil.getTime() - now() : 0;
      if (pausedFor > 0 || budget.perMinute - budget.busyInWindow <= options.perWindow) {
        await sleep(Math.max(pausedFor, Math.ceil(windowMs / 60)), signal);
        continue;
      }
      granted++;
      starts.push(now());
      return;
    }
  }

  return {
    async schedule<T>(fn: () => Promise<T>, scheduleOptions?: { signal?: AbortSignal }): Promise<T> {
      // One request of the verify at a time: it never holds more than one of the shared in-flight slots.
      const previous = turn;
      let release!: () => void;
      turn = new Promise<void>((resolve) => (release = resolve));
      try {
        await previous;
        await takeTurn();
        return await options.inner.schedule(fn, { signal: scheduleOptions?.signal ?? signal });
      } finally {
        release();
      }
    },
    pause: (ms) => options.inner.pause(ms),
    updateQuota: (quota: ZohoQuota) => options.inner.updateQuota?.(quota),
    used: () => granted,
  };
}
