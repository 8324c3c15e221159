import { ZohoWaitTooLongError } from '@tsh/zoho-client';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresRateLimiter } from '../src/zoho-access';
import { startBudgetZoho } from './fixtures/budget-zoho';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// Callers that give up on the shared PostgreSQL rate limit (maxWaitMs, docs/webhooks-and-queue.md)
// never take nor leak a slot: several "processes" (each its own limiter and connection pool) ask
// for slots at once with seeded bounds, deadlines and request lengths, many of them giving up, and
// each granted caller sends one request to a Zoho on 127.0.0.1. Afterwards no slot is left in use,
// and Zoho never saw more requests in any window than the limit.

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let t: TestDatabase;
let zoho: Awaited<ReturnType<typeof startBudgetZoho>>;
const pools: pg.Pool[] = [];

function openProcess(): Kysely<any> {
  const pool = new pg.Pool({ connectionString: t.url, max: 3 });
  pool.on('error', () => undefined);
  pools.push(pool);
  return new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
}

beforeAll(async () => {
  [t, zoho] = await Promise.all([createTestDatabase(), startBudgetZoho()]);
  zoho.quota.books.limit = zoho.quota.books.remaining = 1_000_000;
});
afterAll(async () => {
  for (const pool of pools) await pool.end();
  await Promise.all([t?.close(), zoho?.close()]);
});

const LIMIT = 3;
const WINDOW_MS = 250;
const ROUNDS = 24;

/** The most requests Zoho received inside any span of `windowMs`. */
function mostInOneWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= windowMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

describe('giving up on the PostgreSQL rate limit', () => {
  it(`takes no slot and leaks none, over ${ROUNDS} seeded interleavings of processes asking, giving up and aborting`, async () => {
    const processes = [openProcess(), openProcess(), openProcess()];
    let gaveUp = 0;
    let aborted = 0;
    let sent = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const random = seeded(round + 1);
      const organizationId = `give-up-${round}-${Date.now()}`;
      const limiters = processes.map((db) => createPostgresRateLimiter({ db, organizationId, requestsPerMinute: LIMIT, maxConcurrent: 2, windowMs: WINDOW_MS, safetyMarginMs: 0 }));
      zoho.receivedAt.length = 0;
      const calls = Array.from({ length: 14 }, async (_, n) => {
        const limiter = limiters[n % limiters.length]!;
        // Bounds from "no wait at all" to longer than a window; a few callers have none (`tds sync`).
        const maxWaitMs = [0, 1, 10, 30, 120, 400, undefined][Math.floor(random() * 7)];
        const requestMs = Math.floor(random() * 40);
        const deadline = random() < 0.25 ? AbortSignal.timeout(Math.floor(random() * 60)) : undefined;
        await sleep(Math.floor(random() * 30));
        try {
          await limiter.schedule(async () => {
            sent += 1;
            await fetch(`${zoho.url}/books/v3/contacts/${round}-${n}`);
            await sleep(requestMs);
          }, { maxWaitMs, signal: deadline, endpoint: '/books/v3/contacts' });
        } catch (error) {
          if (error instanceof ZohoWaitTooLongError) gaveUp += 1;
          else if (deadline?.aborted) aborted += 1;
          else throw error;
        }
      });
      await Promise.all(calls);
      // A caller whose deadline fired while its request was out is answered at once, but the request
      // keeps its slot until it ends (Zoho counts it): wait for those to end. A leaked slot would stay
      // until its lease (120 s), far past this.
      let inUse = Number.NaN;
      for (const until = Date.now() + 5_000; Date.now() < until; await sleep(25)) {
        const { rows } = await sql<{ in_use: number }>`SELECT count(*)::int AS in_use FROM tds_rate_limit_inflight WHERE organization_id = ${organizationId}`.execute(t.db);
        inUse = rows[0]!.in_use;
        if (inUse === 0) break;
      }
      expect(inUse, `round ${round}: slots still in use`).toBe(0);
      expect(mostInOneWindow(zoho.receivedAt, WINDOW_MS), `round ${round}: requests in one window`).toBeLessThanOrEqual(LIMIT);
    }
    // The interleavings did exercise giving up, aborting and sending.
    expect(gaveUp).toBeGreaterThan(ROUNDS);
    expect(aborted).toBeGreaterThan(0);
    expect(sent).toBeGreaterThan(ROUNDS * LIMIT);
  }, 180_000);
});
