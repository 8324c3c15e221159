import type { RateLimiter } from '@tsh/zoho-client';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSyncHandlers } from '../src/handlers';
import { enqueue } from '../src/queue';
import { createWorkerPool, type WorkerPool } from '../src/workers';
import { createPostgresRateLimiter } from '../src/zoho-access';
import { rawItem, zohoId } from './apply-fixtures';
import { budgetZohoClient, startBudgetZoho } from './fixtures/budget-zoho';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { waitFor } from './helpers/wait-for';

// Items that need Zoho never hold a worker slot while they wait on Zoho's budget, and that wait is
// never a failed attempt (docs/webhooks-and-queue.md, "Waiting on Zoho is not a failed attempt").
// A chaos run dead-lettered four valid records after five handler deadlines spent waiting for
// rate-limit slots; these tests run the worker pool against a real Zoho-like HTTP server.

let t: TestDatabase;
let zoho: Awaited<ReturnType<typeof startBudgetZoho>>;
const pools: WorkerPool[] = [];

beforeAll(async () => {
  [t, zoho] = await Promise.all([createTestDatabase(), startBudgetZoho()]);
});
afterAll(async () => {
  await Promise.all([t?.close(), zoho?.close()]);
});
beforeEach(async () => {
  await sql`TRUNCATE tds_sync_queue, tds_dead_letter_queue, tds_workers RESTART IDENTITY`.execute(t.db);
  zoho.received.length = 0;
  zoho.hanging.clear();
  for (const q of Object.values(zoho.quota)) q.remaining = q.limit;
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.stop({ graceMs: 0 })));
});

async function startPool(options: { handlerTimeoutMs: number; rateLimiter?: RateLimiter; backoffSeconds?: number; zohoMaxWaitMs?: number }): Promise<WorkerPool> {
  const handlers = createSyncHandlers({ db: t.db, zoho: budgetZohoClient(zoho, options.rateLimiter), zohoMaxWaitMs: options.zohoMaxWaitMs });
  const backoff = { baseSeconds: options.backoffSeconds ?? 1, maxSeconds: options.backoffSeconds ?? 1, jitter: 0 };
  const pool = createWorkerPool({ db: t.db, pool: t.pool, handlers, pollIntervalMs: 20, leaseSeconds: 60, handlerTimeoutMs: options.handlerTimeoutMs, concurrency: 1, batchSize: 10, backoff });
  pools.push(pool);
  await pool.start();
  return pool;
}

const row = (id: string) => t.db.selectFrom('tds_sync_queue').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('a spent daily quota (per API)', () => {
  it('defers the items that need that API to its reset at once, retry_count unchanged; the slot goes on to other items meanwhile', async () => {
    await startPool({ handlerTimeoutMs: 60_000 });
    // The last call of the day on Inventory: it is answered, and says nothing is left for an hour.
    zoho.quota.inventory.remaining = 1;
    const first = await enqueue(t.db, { entity_type: 'products', zoho_id: zohoId() });
    await waitFor(async () => (await row(first.id)).status === 'completed', { label: 'the first product fetched and applied' });
    expect(zoho.received).toEqual(['/inventory/v1/itemdetails']);

    const waiting = await Promise.all([zohoId(), zohoId()].map((id) => enqueue(t.db, { entity_type: 'products', zoho_id: id })));
    const deferred = await waitFor(
      async () => {
        const rows = await Promise.all(waiting.map((w) => row(w.id)));
        return rows.every((r) => r.status === 'pending' && r.deferrals === 1) ? rows : undefined;
      },
      { label: 'both products deferred', timeoutMs: 15_000 },
    );
    for (const r of deferred) {
      expect(r).toMatchObject({ retry_count: 0, locked_by: null, last_error: null });
      expect(r.last_deferral).toMatch(/daily API quota exhausted/);
      // Due at the quota's reset (an hour), not after a retry backoff.
      expect(new Date(r.run_after as Date).getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    }

    // The handler deadline is a minute: had the products held the only worker slot until it, these
    // would not be done within the test's timeout. A customer needs Books (its own quota, not
    // spent); a product delivered whole needs no Zoho call at all.
    const customerId = zohoId();
    const carried = rawItem();
    const others = await Promise.all([
      enqueue(t.db, { entity_type: 'customers', zoho_id: customerId }),
      enqueue(t.db, { entity_type: 'products', zoho_id: String(carried.item_id), payload: { item: carried } }),
    ]);
    await waitFor(async () => (await Promise.all(others.map((o) => row(o.id)))).every((r) => r.status === 'completed'), { label: 'the other items applied', timeoutMs: 15_000 });
    expect(await t.db.selectFrom('customers').select('zoho_contact_id').where('zoho_contact_id', '=', customerId).execute()).toHaveLength(1);
    expect(await t.db.selectFrom('products').select('zoho_item_id').where('zoho_item_id', '=', String(carried.item_id)).execute()).toHaveLength(1);
    // Inventory was never asked again while its quota was spent.
    expect(zoho.received.filter((path) => path.startsWith('/inventory/'))).toEqual(['/inventory/v1/itemdetails']);
    expect(await t.db.selectFrom('tds_dead_letter_queue').select('id').execute()).toEqual([]);
  }, 40_000);
});

describe('the handler deadline while a call waits', () => {
  it('for a rate-limit slot: the item is released with retry_count unchanged, and applied once a slot is free', async () => {
    const organizationId = `deferral-${Date.now()}`;
    // One request per 4 s window across every process, and the test takes this window's request.
    const rateLimiter = createPostgresRateLimiter({ db: t.db, organizationId, requestsPerMinute: 1, windowMs: 4_000, safetyMarginMs: 0 });
    await rateLimiter.schedule(async () => undefined);
    // A wait bound longer than the deadline, so the deadline is what ends the wait (a shorter bound
    // gives up before it: zoho-wait-bound.test.ts).
    await startPool({ handlerTimeoutMs: 1_000, rateLimiter, zohoMaxWaitMs: 60_000 });
    const customerId = zohoId();
    const { id } = await enqueue(t.db, { entity_type: 'customers', zoho_id: customerId });
    const done = await waitFor(async () => {
      const r = await row(id);
      return r.status === 'completed' ? r : undefined;
    }, { label: 'the customer applied', timeoutMs: 25_000 });
    expect(done.retry_count).toBe(0);
    expect(done.deferrals).toBeGreaterThanOrEqual(1);
    expect(done.last_deferral).toMatch(/waiting to ask Zoho/);
    expect(done.last_error).toBeNull();
    expect(await t.db.selectFrom('customers').select('zoho_contact_id').where('zoho_contact_id', '=', customerId).execute()).toHaveLength(1);
    expect(zoho.received).toEqual([`/books/v3/contacts/${customerId}`]);
  }, 40_000);

  it('for an answer Zoho never gives: the request had its chance, so it counts as a failed attempt', async () => {
    zoho.hanging.add('/books/v3/contacts/');
    await startPool({ handlerTimeoutMs: 1_000, backoffSeconds: 3600 });
    const { id } = await enqueue(t.db, { entity_type: 'customers', zoho_id: zohoId() });
    const retried = await waitFor(async () => {
      const r = await row(id);
      return r.status === 'pending' && r.retry_count > 0 ? r : undefined;
    }, { label: 'the item back for a retry' });
    expect(retried).toMatchObject({ retry_count: 1, deferrals: 0, last_deferral: null });
    expect(retried.last_error).toMatch(/while Zoho had the request for \d+ ms: handler did not finish within 1000 ms/);
    await waitFor(() => zoho.open.size === 0, { label: 'the hanging request cancelled by the client', timeoutMs: 5_000 });
  }, 30_000);
});
