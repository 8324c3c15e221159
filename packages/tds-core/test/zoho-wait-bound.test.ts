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

// In serve/worker, items that need Zoho never hold a worker slot while they wait for the shared
// rate limit (docs/webhooks-and-queue.md, "Waiting on Zoho is not a failed attempt"): a handler's
// Zoho call whose wait for a slot would pass its maxWaitMs gives up at once, and its items are
// deferred to when the window frees a slot, without a counted attempt.

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
  zoho.receivedAt.length = 0;
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.stop({ graceMs: 0 })));
});

const row = (id: string) => t.db.selectFrom('tds_sync_queue').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('a spent per-minute budget in serve/worker', () => {
  it('defers the items that need Zoho to the window\'s next slot at once (no attempt counted), and the only slot goes on with items that need no Zoho', async () => {
    const organizationId = `wait-bound-${Date.now()}`;
    const budget = { organizationId, requestsPerMinute: 2, windowMs: 6_000, safetyMarginMs: 0 };
    // Another process spends the shared window's two requests.
    const other = createPostgresRateLimiter({ db: t.db, ...budget });
    await Promise.all([other.schedule(async () => undefined), other.schedule(async () => undefined)]);
    const spentAt = Date.now();

    const customerId = zohoId();
    const productId = zohoId();
    const carried = rawItem();
    // One batch: a customer and a product that must be fetched, and a product delivered whole.
    const [customer, product, whole] = [
      await enqueue(t.db, { entity_type: 'customers', zoho_id: customerId }),
      await enqueue(t.db, { entity_type: 'products', zoho_id: productId }),
      await enqueue(t.db, { entity_type: 'products', zoho_id: String(carried.item_id), payload: { item: carried } }),
    ];
    const handlers = createSyncHandlers({ db: t.db, zoho: budgetZohoClient(zoho, createPostgresRateLimiter({ db: t.db, ...budget })), zohoMaxWaitMs: 1_000 });
    // A deadline of a minute and one worker slot: had the waits held the slot, nothing below would
    // happen before the deadline.
    const pool = createWorkerPool({ db: t.db, pool: t.pool, handlers, pollIntervalMs: 20, leaseSeconds: 60, handlerTimeoutMs: 60_000, concurrency: 1, batchSize: 10 });
    pools.push(pool);
    await pool.start();

    const deferred = await waitFor(async () => {
      const rows = await Promise.all([customer, product].map((item) => row(item.id)));
      return rows.every((r) => r.status === 'pending' && r.deferrals === 1) ? rows : undefined;
    }, { label: 'the two items that need Zoho deferred' });
    const afterDeferral = Date.now();
    for (const r of deferred) {
      expect(r).toMatchObject({ retry_count: 0, locked_by: null, last_error: null });
      expect(r.last_deferral).toMatch(/not made: it would wait \d+ ms for a rate limit slot \(more than its 1000 ms\)/);
      // Due when the window frees its first slot (6 s after the other process's requests), not at once, nor after the deadline.
      const due = new Date(r.run_after as Date).getTime();
      expect(due).toBeGreaterThanOrEqual(spentAt + 6_000 - 1_000);
      expect(due).toBeLessThanOrEqual(afterDeferral + 6_000);
    }
    // The item applied in the same batch completed as usual (its completion is written with the
    // worker's next queue step, which may come after the deferral's own statement).
    const wholeDone = await waitFor(async () => {
      const r = await row(whole.id);
      return r.status === 'completed' ? r : undefined;
    }, { label: 'the item delivered whole completed' });
    expect(wholeDone).toMatchObject({ retry_count: 0, deferrals: 0 });

    // The only worker slot is free: an item that needs no Zoho, enqueued now, is claimed and
    // applied while the deferred ones still wait for their time.
    const carriedLater = rawItem();
    const later = await enqueue(t.db, { entity_type: 'products', zoho_id: String(carriedLater.item_id), payload: { item: carriedLater } });
    const laterDone = await waitFor(async () => {
      const r = await row(later.id);
      return r.status === 'completed' ? r : undefined;
    }, { label: 'the later item applied' });
    // Done (by the database's clock) before either deferred item was even due again.
    const dueFirst = Math.min(...deferred.map((r) => new Date(r.run_after as Date).getTime()));
    expect(new Date(laterDone.completed_at as Date).getTime()).toBeLessThan(dueFirst);
    expect(zoho.received).toEqual([]); // nobody asked Zoho past the spent window

    // Once the window frees its slots, both are fetched and applied, one request each, no attempt counted.
    const done = await waitFor(async () => {
      const rows = await Promise.all([customer, product].map((item) => row(item.id)));
      return rows.every((r) => r.status === 'completed') ? rows : undefined;
    }, { label: 'the deferred items applied', timeoutMs: 30_000 });
    for (const r of done) expect(r.retry_count).toBe(0);
    expect([...zoho.received].sort()).toEqual([`/books/v3/contacts/${customerId}`, '/inventory/v1/itemdetails'].sort());
    expect(await t.db.selectFrom('tds_dead_letter_queue').select('id').execute()).toEqual([]);
    expect(Math.min(...zoho.receivedAt)).toBeGreaterThanOrEqual(spentAt + 6_000 - 50);
  }, 60_000);
});
