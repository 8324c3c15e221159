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

  async function acquire(): Promise<string> {
    for (;;) {
      const { slotId, waitMs } = await acquireRateSlot(options.db, {
        organizationId: options.organizationId,
        limit,
        windowMs,
        maxInFlight,
        leaseMs,
        holder,
      });
      if (slotId !== null) return slotId;
      await sleep(waitMs + Math.floor(Math.random() * 20));
    }
  }

  return {
    schedule<T>(fn: () => Promise<T>): Promise<T> {
      return local.add(async () => {
        const slotId = await acquire();
        try {
          return await fn();
        } finally {
          await releaseRateSlot(options.db, slotId).catch(() => undefined); // the lease reclaims it anyway
        }
      }) as Promise<T>;
    },
    pause: (ms: number) => pauseRateLimit(options.db, options.organizationId, ms),
    updateQuota: (quota: ZohoQuota) => recordDailyQuota(options.db, options.organizationId, quota),
  };
}
