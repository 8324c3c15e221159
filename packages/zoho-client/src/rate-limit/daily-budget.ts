import { sleepUnlessAborted } from '../abortable';
import type { ZohoClock } from '../clock';
import { ZohoQuotaExhaustedError } from '../errors';
import type { ZohoDailyBudget } from '../stats';
import type { ZohoQuota } from './rate-limiter';

export interface DailyBudget {
  update(quota: ZohoQuota): void;
  /** True while Zoho said no calls are left and the reset has not come yet. */
  exhausted(): boolean;
  /** Before each attempt: passes, waits for the daily reset, or throws ZohoQuotaExhaustedError (`mode` overrides the client's choice). */
  waitForBudget(onWait: (waitMs: number) => void, signal?: AbortSignal, mode?: 'wait' | 'fail'): Promise<void>;
  snapshot(): ZohoDailyBudget | null;
}

export function createDailyBudget(clock: ZohoClock, whenExhausted: 'wait' | 'fail'): DailyBudget {
  let state: { limit: number; remaining: number; resetAt: number } | null = null;
  const exhausted = () => state !== null && state.remaining <= 0 && clock.now() < state.resetAt;
  return {
    update(quota) {
      state = { limit: quota.limit, remaining: quota.remaining, resetAt: clock.now() + quota.resetSeconds * 1000 };
    },
    exhausted,
    async waitForBudget(onWait, signal, mode = whenExhausted) {
      while (state && exhausted()) {
        if (mode === 'fail') throw new ZohoQuotaExhaustedError(new Date(state.resetAt));
        const waitMs = state.resetAt - clock.now();
        onWait(waitMs);
        await sleepUnlessAborted(clock, waitMs, signal);
      }
    },
    snapshot: () => (state ? { limit: state.limit, remaining: state.remaining, resetAt: new Date(state.resetAt) } : null),
  };
}
