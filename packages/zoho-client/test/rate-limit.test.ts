import { delay, http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ZohoQuotaExhaustedError } from '../src';
import { type ZohoRateLimitWaitEvent } from '../src/internal';
import { BOOKS, INVENTORY, caught, makeClient, ok, server, tokenEndpoint, useMsw, virtualClock } from './helpers';

useMsw();

const page = () => ok({ items: [], page_context: { page: 1, per_page: 200, has_more_page: false } });

/** Largest number of timestamps inside any window [t, t + windowMs). */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while (sorted[j]! < sorted[i]! - windowMs + 1) j += 1;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

function seededRandom(seed = 42) {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

describe('429 storm (fake timers)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never exceeds the per-minute limit in any 60 s window, pauses every caller after a 429, and finishes', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const sent: number[] = [];
    const rejected: number[] = [];
    server.use(
      tokenEndpoint().handler,
      http.get(`${INVENTORY}/items`, async () => {
        const now = Date.now();
        sent.push(now);
        const n = sent.length;
        await delay(200); // each answer takes 200 ms of (fake) time
        // Zoho answers 429 to the 3rd to 16th request it sees: a storm in the middle of the traffic.
        if (n >= 3 && n <= 16) {
          rejected.push(now);
          return HttpResponse.json({ code: 44, message: 'Too many requests' }, { status: 429 });
        }
        return page();
      }),
    );
    const pauses: Array<{ at: number; waitMs: number; sentBefore: number }> = [];
    const client = makeClient({
      requestsPerMinute: 20,
      maxConcurrent: 5,
      maxRetries: 10,
      retryBaseDelayMs: 1_000,
      retryMaxDelayMs: 30_000,
      random: seededRandom(),
      hooks: {
        onRateLimitWait: (e: ZohoRateLimitWaitEvent) => {
          if (e.reason === '429') pauses.push({ at: Date.now(), waitMs: e.waitMs, sentBefore: sent.length });
        },
      },
    });

    let settled = 0;
    const calls = Array.from({ length: 40 }, () =>
      client.inventory.items.list().finally(() => {
        settled += 1;
      }),
    );
    for (let guard = 0; settled < calls.length && guard < 3_600; guard += 1) await vi.advanceTimersByTimeAsync(1_000);
    const results = await Promise.allSettled(calls);

    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(rejected).toHaveLength(14);
    expect(maxInWindow(sent, 60_000)).toBeLessThanOrEqual(20);
    expect(sent.length).toBe(40 + rejected.length);
    expect(pauses.length).toBe(14);
    expect(Math.max(...pauses.map((p) => p.waitMs))).toBeGreaterThan(1_000); // consecutive 429s back off exponentially
    // After each 429 nobody, not only the caller that got it, sends until the pause is over; only
    // the (at most maxConcurrent - 1) requests already in flight may still arrive.
    for (const pause of pauses) {
      const early = sent.slice(pause.sentBefore).filter((t) => t < pause.at + pause.waitMs);
      expect(early.length).toBeLessThanOrEqual(4);
    }
    expect(client.stats().rateLimited429).toBe(rejected.length);
  });
});

describe('429 with Retry-After', () => {
  it('honours Retry-After for the global pause', async () => {
    const time = virtualClock();
    const sent: number[] = [];
    server.use(
      tokenEndpoint().handler,
      http.get(`${INVENTORY}/items`, () => {
        sent.push(time.now());
        return sent.length === 1
          ? HttpResponse.json({ code: 44, message: 'slow down' }, { status: 429, headers: { 'retry-after': '7' } })
          : page();
      }),
    );
    const waits: ZohoRateLimitWaitEvent[] = [];
    const client = makeClient({ clock: time.clock, hooks: { onRateLimitWait: (e) => void waits.push(e) } });
    await client.inventory.items.list();
    expect(waits).toEqual([{ reason: '429', waitMs: 7_000 }]);
    expect(sent[1]! - sent[0]!).toBeGreaterThanOrEqual(7_000);
  });
});

describe('daily quota (X-Rate-Limit-* headers)', () => {
  const quotaHeaders = (remaining: number) => ({
    'x-rate-limit-limit': '1000',
    'x-rate-limit-remaining': String(remaining),
    'x-rate-limit-reset': '3600',
  });

  it('exposes the budget in stats() and fails fast when configured and spent', async () => {
    const time = virtualClock();
    let calls = 0;
    server.use(
      tokenEndpoint().handler,
      http.get(`${INVENTORY}/items`, () => {
        calls += 1;
        return ok({ items: [] }, { headers: quotaHeaders(calls === 1 ? 1 : 0) });
      }),
    );
    const client = makeClient({ clock: time.clock, onDailyQuotaExhausted: 'fail' });
    await client.inventory.items.list();
    expect(client.stats().dailyBudget).toEqual({ limit: 1000, remaining: 1, resetAt: new Date(time.now() + 3_600_000) });
    await client.inventory.items.list();
    const error = await caught(client.inventory.items.list());
    expect(error).toBeInstanceOf(ZohoQuotaExhaustedError);
    expect((error as ZohoQuotaExhaustedError).resetAt).toEqual(new Date(time.now() + 3_600_000));
    expect(calls).toBe(2); // the third call never reached Zoho
  });

  it('waits for the daily reset by default instead of burning calls', async () => {
    const time = virtualClock();
    const sent: number[] = [];
    server.use(
      tokenEndpoint().handler,
      http.get(`${INVENTORY}/items`, () => {
        sent.push(time.now());
        return ok({ items: [] }, { headers: quotaHeaders(sent.length === 1 ? 0 : 999) });
      }),
    );
    const waits: ZohoRateLimitWaitEvent[] = [];
    const client = makeClient({ clock: time.clock, hooks: { onRateLimitWait: (e) => void waits.push(e) } });
    await client.inventory.items.list();
    await client.inventory.items.list();
    expect(waits).toEqual([{ reason: 'daily-quota', waitMs: 3_600_000 }]);
    expect(sent[1]! - sent[0]!).toBeGreaterThanOrEqual(3_600_000);
    expect(client.stats().dailyBudget?.remaining).toBe(999);
  });

  it("a call's own onDailyQuotaExhausted: 'fail' fails fast on a waiting client, per API (the other API goes on)", async () => {
    const time = virtualClock();
    const calls = { books: 0, inventory: 0 };
    server.use(
      tokenEndpoint().handler,
      http.get(`${INVENTORY}/items`, () => {
        calls.inventory += 1;
        return ok({ items: [] }, { headers: quotaHeaders(0) });
      }),
      http.get(`${BOOKS}/items`, () => {
        calls.books += 1;
        return ok({ items: [] }, { headers: quotaHeaders(500) });
      }),
    );
    const client = makeClient({ clock: time.clock });
    await client.inventory.items.list();
    const error = await caught(client.inventory.items.list({}, { onDailyQuotaExhausted: 'fail' }));
    expect(error).toBeInstanceOf(ZohoQuotaExhaustedError);
    expect((error as ZohoQuotaExhaustedError).resetAt).toEqual(new Date(time.now() + 3_600_000));
    expect(await caught(client.inventory.itemDetails.list(['1'], { onDailyQuotaExhausted: 'fail' }))).toBeInstanceOf(ZohoQuotaExhaustedError);
    await client.books.items.list({}, { onDailyQuotaExhausted: 'fail' });
    expect(calls).toEqual({ books: 1, inventory: 1 });
  });

  it("a 429 for a spent Inventory quota pauses nobody: Books calls go on, Inventory waits for its reset", async () => {
    const time = virtualClock();
    const calls = { books: 0, inventory: 0 };
    server.use(
      tokenEndpoint().handler,
      http.get(`${INVENTORY}/items`, () => {
        calls.inventory += 1;
        return HttpResponse.json({ code: 44, message: 'quota' }, { status: 429, headers: { ...quotaHeaders(0), 'retry-after': '3600' } });
      }),
      http.get(`${BOOKS}/items`, () => {
        calls.books += 1;
        return ok({ items: [] }, { headers: quotaHeaders(500) });
      }),
    );
    const client = makeClient({ clock: time.clock });
    expect(await caught(client.inventory.items.list({}, { onDailyQuotaExhausted: 'fail' }))).toBeInstanceOf(ZohoQuotaExhaustedError);
    const before = time.now();
    await client.books.items.list();
    expect(time.now() - before).toBe(0); // no hour's pause for every caller
    expect(calls).toEqual({ books: 1, inventory: 1 });
  });

  it('a 429 that says the daily quota is spent fails fast in fail mode', async () => {
    const time = virtualClock();
    let calls = 0;
    server.use(
      tokenEndpoint().handler,
      http.get(`${INVENTORY}/items`, () => {
        calls += 1;
        return HttpResponse.json({ code: 44, message: 'quota' }, { status: 429, headers: quotaHeaders(0) });
      }),
    );
    const client = makeClient({ clock: time.clock, onDailyQuotaExhausted: 'fail' });
    expect(await caught(client.inventory.items.list())).toBeInstanceOf(ZohoQuotaExhaustedError);
    expect(calls).toBe(1);
  });
});
