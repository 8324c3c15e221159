import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import PQueue from 'p-queue';
import type { RateLimiter, ZohoQuota } from '@tsh/zoho-client';
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

  /** Polls for a slot; an aborted caller stops polling (the slot it never got is nobody's). */
  async function acquire(signal: AbortSignal | undefined): Promise<string> {
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
      await sleepUntilAborted(sleep, waitMs + Math.floor(Math.random() * 20), signal);
    }
  }

  return {
    schedule<T>(fn: () => Promise<T>, scheduleOptions?: { signal?: AbortSignal }): Promise<T> {
      const signal = scheduleOptions?.signal;
      return local.add(async () => {
        const slotId = await acquire(signal);
        try {
          return await fn();
        } finally {
          await releaseRateSlot(options.db, slotId).catch(() => undefined); // the lease reclaims it anyway
        }
      }, { signal }) as Promise<T>;
    },
    pause: (ms: number) => pauseRateLimit(options.db, options.organizationId, ms),
    updateQuota: (quota: ZohoQuota) => recordDailyQuota(options.db, options.organizationId, quota),
  };
}
