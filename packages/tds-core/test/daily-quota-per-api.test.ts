import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createZohoClient, ZohoQuotaExhaustedError } from '@tsh/zoho-client';
import { buildHealthReport, createHealthMetrics, createPostgresRateLimiter, getHealth, readRateLimitStatus, recordDailyQuota, renderStatusReport } from '../src/internal';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// One organization has different daily quotas on Books and Inventory the same day (1,000 and
// 7,500 were seen): each API's own X-Rate-Limit-* headers keep its own budget (docs/security.md).

const ORG = '60000000042';
const quota = { books: { limit: 1000, remaining: 3 }, inventory: { limit: 7500, remaining: 7400 } };

const server = setupServer(
  http.post('https://accounts.zoho.com/oauth/v2/token', () =>
    HttpResponse.json({ access_token: 'tok-quota', expires_in: 3600, api_domain: 'https://www.zohoapis.com' }),
  ),
  ...(['books/v3', 'inventory/v1'] as const).map((path) =>
    http.get(`https://www.zohoapis.com/${path}/items`, () => {
      const q = path.startsWith('books') ? quota.books : quota.inventory;
      return HttpResponse.json(
        { code: 0, message: 'success', items: [], page_context: { page: 1, per_page: 200, has_more_page: false } },
        { headers: { 'x-rate-limit-limit': String(q.limit), 'x-rate-limit-remaining': String(q.remaining), 'x-rate-limit-reset': '3600' } },
      );
    }),
  ),
);

let testDb: TestDatabase;
const pools: pg.Pool[] = [];

function openProcess(): Kysely<any> {
  const pool = new pg.Pool({ connectionString: testDb.url, max: 6 });
  pool.on('error', () => undefined);
  pools.push(pool);
  return new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
}

function client(db: Kysely<any>, onDailyQuotaExhausted: 'wait' | 'fail' = 'wait') {
  return createZohoClient({
    organizationId: ORG,
    credentials: { clientId: 'id', clientSecret: 'secret-value-123', refreshToken: 'refresh-value-456' },
    rateLimiter: createPostgresRateLimiter({ db, organizationId: ORG, requestsPerMinute: 1000 }),
    onDailyQuotaExhausted,
    maxRetries: 0,
  });
}

/** recordDailyQuota runs after the response, off the request path: wait until the row says so. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const value = await read();
    if (done(value) || i > 200) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  testDb = await createTestDatabase();
});

afterAll(async () => {
  server.close();
  for (const pool of pools) await pool.end();
  await testDb.close();
});

describe('daily quota per API', () => {
  it('records Books and Inventory apart, and health shows both with the more spent one as the daily quota', async () => {
    const zoho = client(openProcess());
    await zoho.books.items.list();
    await zoho.inventory.items.list();
    expect(zoho.stats().dailyBudgets).toMatchObject({ books: { limit: 1000, remaining: 3 }, inventory: { limit: 7500, remaining: 7400 } });

    const status = await until(() => readRateLimitStatus(testDb.db, ORG, 60_000), (s) => Object.keys(s.dailyByApi).length === 2);
    expect(status.dailyByApi).toMatchObject({ books: { limit: 1000, remaining: 3 }, inventory: { limit: 7500, remaining: 7400 } });
    expect(status.daily).toMatchObject({ limit: 1000, remaining: 3 });

    const health = await getHealth({ db: testDb.db, organizationId: ORG });
    expect(health.zoho_api.daily_quota_by_api).toMatchObject({ books: { limit: 1000, remaining: 3 }, inventory: { limit: 7500, remaining: 7400 } });
    expect(health.zoho_api.daily_quota).toMatchObject({ limit: 1000, remaining: 3 });
    const report = renderStatusReport(await buildHealthReport({ db: testDb.db, organizationId: ORG }));
    expect(report).toContain('Daily quota: books 3 of 1,000 left, inventory 7,400 of 7,500 left');
  });

  it('a spent Books quota stops Books calls only: Inventory goes on', async () => {
    quota.books.remaining = 0;
    try {
      const zoho = client(openProcess(), 'fail');
      await zoho.books.items.list(); // learns that Books is spent
      await expect(zoho.books.items.list()).rejects.toBeInstanceOf(ZohoQuotaExhaustedError);
      const page = await zoho.inventory.items.list();
      expect(page.records).toEqual([]);
    } finally {
      quota.books.remaining = 3;
    }
  });

  it('responses recorded out of order by several processes never raise the remaining count within a day (seeded interleavings)', async () => {
    const writers = [openProcess(), openProcess(), openProcess()];
    let seed = 1234567;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 20; round++) {
      const org = `org-interleave-${round}`;
      // The remaining counts one day of responses reported, delivered in a random order.
      const reported = Array.from({ length: 24 }, (_, i) => 500 - i * 7).sort(() => random() - 0.5);
      await Promise.all(
        reported.map((remaining, i) => recordDailyQuota(writers[i % writers.length]!, org, { limit: 1000, remaining, resetSeconds: 3600, api: 'books' })),
      );
      const status = await readRateLimitStatus(testDb.db, org, 60_000);
      expect(status.dailyByApi.books!.remaining).toBe(Math.min(...reported));
    }
    // A reset time a day later is a new quota day: its count replaces the old one.
    await recordDailyQuota(testDb.db, 'org-interleave-0', { limit: 1000, remaining: 999, resetSeconds: 3600 + 86_400, api: 'books' });
    expect((await readRateLimitStatus(testDb.db, 'org-interleave-0', 60_000)).dailyByApi.books!.remaining).toBe(999);
  });

  it('/metrics has the daily quota per API: remaining and limit, labelled books and inventory', async () => {
    const org = 'org-metrics-quota';
    await recordDailyQuota(testDb.db, org, { limit: 1000, remaining: 12, resetSeconds: 3600, api: 'books' });
    await recordDailyQuota(testDb.db, org, { limit: 7500, remaining: 7400, resetSeconds: 3600, api: 'inventory' });
    const { body } = await createHealthMetrics().collect({ db: testDb.db, organizationId: org });
    const series = Object.fromEntries(body.split('\n').filter((l) => l.startsWith('tds_zoho_daily_quota_api_')).map((l) => [l.split(' ')[0], Number(l.split(' ')[1])]));
    expect(series).toEqual({
      'tds_zoho_daily_quota_api_remaining{api="books"}': 12,
      'tds_zoho_daily_quota_api_remaining{api="inventory"}': 7400,
      'tds_zoho_daily_quota_api_limit{api="books"}': 1000,
      'tds_zoho_daily_quota_api_limit{api="inventory"}': 7500,
    });
  });
});
