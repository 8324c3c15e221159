import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import PQueue from 'p-queue';
import { ZohoWaitTooLongError, type RateLimiter, type ZohoQuota } from '@tsh/zoho-client';
import type { ScheduleOptions } from '@tsh/zoho-client/internal';
import { acquireRateSlot, pauseRateLimit, recordDailyQuota, releaseRateSlot } from './rate-limit-sql';

export interface PostgresRateLimiterOptions {
  db: Kysely<any>;
  organizationId: string;
  /** Requests allowed in any window, across every process (default 100). */
  requestsPerMinute?: number;
  /** Requests in flight at once across every process (default 10). */
  maxConcurrent?: number;
  /** Window length (default 60 000 ms). */
  windowMs?: number;
  /**
   * Added to the window so that network jitter between our clock and Zoho's receipt can never
   * squeeze requests of two windows into one of Zoho's (default 500 ms).
   */
  safetyMarginMs?: number;
  /** An in-flight slot is reclaimed after this long even if its process died (default 120 000 ms). */
  slotLeaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** A caller's limit on its wait: `maxWaitMs` from `since`. */
interface Bound {
  maxWaitMs: number;
  since: number;
  endpoint?: string;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sleeps, or rejects with the signal's reason as soon as it aborts. */
function sleepUntilAborted(sleep: (ms: number) => Promise<void>, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return sleep(ms);
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void sleep(ms).then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

/**
 * A RateLimiter whose budget lives in PostgreSQL, so every process of an organization shares one
 * window, one in-flight cap and one 429 pause.
 */
export function createPostgresRateLimiter(options: PostgresRateLimiterOptions): RateLimiter {
  const sleep = options.sleep ?? defaultSleep;
  const limit = options.requestsPerMinute ?? 100;
  const maxInFlight = options.maxConcurrent ?? 10;
  const windowMs = (options.windowMs ?? 60_000) + (options.safetyMarginMs ?? 500);
  const leaseMs = options.slotLeaseMs ?? 120_000;
  const holder = `${process.pid}:${randomUUID().slice(0, 8)}`;
  // Only as many local callers poll the database as could ever be granted at once.
  const local = new PQueue({ concurrency: maxInFlight });

  /**
   * Polls for a slot; an aborted caller stops polling (the slot it never got is nobody's). With
   * `maxWaitMs`, an answer "no slot for N ms" with N past the caller's bound (counted from its
   * call) gives up at once instead of sleeping: a refusal takes no slot, and a slot granted to a
   * caller that has already given up (aborted) is released unused.
   */
  async function acquire(signal: AbortSignal | undefined, bound: Bound | undefined): Promise<string> {
    for (;;) {
      signal?.throwIfAborted();
      const { slotId, waitMs } = await acquireRateSlot(options.db, {
        organizationId: options.organizationId,
        limit,
        windowMs,
        maxInFlight,
        leaseMs,
        holder,
      });
      if (slotId !== null) {
        if (!signal?.aborted) return slotId;
        await releaseRateSlot(options.db, slotId).catch(() => undefined);
        signal.throwIfAborted();
      }
      if (bound) {
        const now = Date.now();
        const waited = now - bound.since;
        if (waited + waitMs > bound.maxWaitMs) {
          throw new ZohoWaitTooLongError({
            endpoint: bound.endpoint ?? 'Zoho',
            waitingFor: 'rate-limit-slot',
            waitMs: waited + waitMs,
            maxWaitMs: bound.maxWaitMs,
            // A short answer (the in-flight cap) says nothing of when a slot frees: come back after one more bound.
            retryAt: new Date(now + Math.max(waitMs, bound.maxWaitMs)),
          });
        }
      }
      await sleepUntilAborted(sleep, waitMs + Math.floor(Math.random() * 20), signal);
    }
  }

  async function holdSlotFor<T>(fn: () => Promise<T>, signal: AbortSignal | undefined, bound: Bound | undefined): Promise<T> {
    const slotId = await acquire(signal, bound);
    try {
      return await fn();
    } finally {
      await releaseRateSlot(options.db, slotId).catch(() => undefined); // the lease reclaims it anyway
    }
  }

  return {
    schedule<T>(fn: () => Promise<T>, scheduleOptions?: ScheduleOptions): Promise<T> {
      const signal = scheduleOptions?.signal;
      const maxWaitMs = scheduleOptions?.maxWaitMs;
      const bound = maxWaitMs === undefined ? undefined : { maxWaitMs, since: Date.now(), endpoint: scheduleOptions?.endpoint };
      if (!bound) return local.add(() => holdSlotFor(fn, signal, undefined), { signal }) as Promise<T>;
      // A caller queued behind this process's own in-flight requests gives up at its bound too; the
      // entry is dropped before it runs, so it never polled and holds nothing.
      const giveUp = new AbortController();
      const timer = setTimeout(() => giveUp.abort(), Math.max(0, bound.maxWaitMs));
      return (local.add(() => {
        clearTimeout(timer);
        return holdSlotFor(fn, signal, bound);
      }, { signal: signal ? AbortSignal.any([signal, giveUp.signal]) : giveUp.signal }) as Promise<T>)
        .catch((error: unknown) => {
          if (!giveUp.signal.aborted || signal?.aborted) throw error;
          throw new ZohoWaitTooLongError({
            endpoint: bound.endpoint ?? 'Zoho',
            waitingFor: 'rate-limit-slot',
            waitMs: bound.maxWaitMs,
            maxWaitMs: bound.maxWaitMs,
            retryAt: new Date(Date.now() + bound.maxWaitMs),
          });
        })
        .finally(() => clearTimeout(timer));
    },
    pause: (ms: number) => pauseRateLimit(options.db, options.organizationId, ms),
    updateQuota: (quota: ZohoQuota) => recordDailyQuota(options.db, options.organizationId, quota),
  };
}
