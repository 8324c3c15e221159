import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createZohoClient } from '@tsh/zoho-client';
import { createPostgresRateLimiter, createPostgresTokenStore, readRateLimitStatus, readTokenStatus } from '../src/internal';
import { startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

let testDb: TestDatabase;
// Each "process" gets its own pool, so the coordination really goes through PostgreSQL sessions.
const processes: Array<{ db: Kysely<any>; pool: pg.Pool }> = [];

function openProcess() {
  const pool = new pg.Pool({ connectionString: testDb.url, max: 12 });
  // Dropping the test database terminates idle sessions; an unhandled pool 'error' would crash the run.
  pool.on('error', () => undefined);
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  processes.push({ db, pool });
  return { db, pool };
}

beforeAll(async () => {
  testDb = await createTestDatabase();
});

afterAll(async () => {
  for (const p of processes) await p.db.destroy();
  await testDb.close();
});

/** Largest number of starts inside any window of `windowMs`. */
function maxInAnyWindow(starts: number[], windowMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('PostgreSQL rate limiter shared by several processes', () => {
  // Starts are measured where the calls run (as Zoho would see them), so the safety margin absorbs the round-trip jitter.
  it('never lets more than the limit start in any window, nor more than the cap run at once', async () => {
    const org = 'org-window';
    const limiters = [0, 1, 2].map(() =>
      createPostgresRateLimiter({ db: openProcess().db, organizationId: org, requestsPerMinute: 8, maxConcurrent: 3, windowMs: 1_000, safetyMarginMs: 250 }),
    );
    const starts: number[] = [];
    let running = 0;
    let maxRunning = 0;
    const calls = Array.from({ length: 30 }, (_, i) =>
      limiters[i % 3]!.schedule(async () => {
        starts.push(Date.now());
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
        return i;
      }),
    );
    const results = await Promise.all(calls);
    expect(results).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(maxInAnyWindow(starts, 1_000)).toBeLessThanOrEqual(8);
    expect(maxRunning).toBeLessThanOrEqual(3);
    const status = await readRateLimitStatus(testDb.db, org, 1_000);
    expect(status.grantedCount).toBe(30);
    expect(status.inFlight).toBe(0);
  });

  it('a 429 pause taken by one process holds back every other process', async () => {
    const org = 'org-pause';
    const a = createPostgresRateLimiter({ db: openProcess().db, organizationId: org, windowMs: 1_000 });
    const b = createPostgresRateLimiter({ db: openProcess().db, organizationId: org, windowMs: 1_000 });
    await a.pause(400);
    const pausedAt = Date.now();
    const startedAt = await b.schedule(async () => Date.now());
    expect(startedAt - pausedAt).toBeGreaterThanOrEqual(300);
    const status = await readRateLimitStatus(testDb.db, org, 1_000);
    expect(status.rateLimitedCount).toBe(1);
    expect(status.last429At).toBeInstanceOf(Date);
  });

  it('stores the daily quota so every process can see it', async () => {
    const limiter = createPostgresRateLimiter({ db: openProcess().db, organizationId: 'org-quota' });
    await limiter.updateQuota!({ limit: 10_000, remaining: 9_876, resetSeconds: 3_600 });
    const status = await readRateLimitStatus(testDb.db, 'org-quota', 60_000);
    expect(status.daily).toMatchObject({ limit: 10_000, remaining: 9_876 });
  });

  it('reclaims the in-flight slot of a process that died holding it', async () => {
    const org = 'org-dead';
    // A crashed process: its slot (300 ms lease) is taken and never released.
    await sql`SELECT * FROM tds_rate_limit_acquire(${org}, 100, 60000, 1, 300, 'dead-process')`.execute(testDb.db);
    const survivor = createPostgresRateLimiter({ db: openProcess().db, organizationId: org, maxConcurrent: 1 });
    await expect(survivor.schedule(async () => 'ran')).resolves.toBe('ran');
  });
});

describe('PostgreSQL token store shared by several processes', () => {
  let sandbox: ZohoSandbox;
  beforeAll(async () => {
    sandbox = await startZohoSandbox({ port: 0, seed: 7, items: 5, customers: 2, vendors: 1, invoices: 1, bills: 1 });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('N processes finding no token at once mint exactly one, and never store the refresh token', async () => {
    const mintedBefore = sandbox.stats().tokensMinted;
    const clients = [0, 1, 2, 3].map(() => {
      const { db, pool } = openProcess();
      return createZohoClient({
        organizationId: sandbox.organizationId,
        credentials: sandbox.credentials,
        accountsUrl: sandbox.accountsUrl,
        apiUrl: sandbox.apiUrl,
        tokenStore: createPostgresTokenStore({ db, pool, organizationId: sandbox.organizationId }),
        requestsPerMinute: 1_000,
      });
    });
    const tokens = await Promise.all(clients.flatMap((c) => Array.from({ length: 25 }, () => c.auth.getAccessToken())));
    expect(new Set(tokens).size).toBe(1);
    expect(sandbox.stats().tokensMinted - mintedBefore).toBe(1);
    const page = await clients[2]!.inventory.items.list({ perPage: 5 });
    expect(page.records.length).toBeGreaterThan(0);

    const status = await readTokenStatus(testDb.db, sandbox.organizationId);
    expect(status).toMatchObject({ hasToken: true, refreshCount: 1, lastError: null });
    expect(status.expiresInSeconds).toBeGreaterThan(3_000);
    const stored = JSON.stringify(await testDb.db.selectFrom('zoho_oauth_tokens').selectAll().execute());
    expect(stored).not.toContain(sandbox.credentials.refreshToken);
    expect(stored).not.toContain(sandbox.credentials.clientSecret);
    expect(JSON.stringify(status)).not.toContain(tokens[0]!);
  });
});
