import { createZohoClient, type ZohoClient } from '@tsh/zoho-client';
import { startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { syncEntity } from '../src/sync';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// What a full sync holds at once is bounded by what it has asked Zoho for and not yet applied, not
// by the catalogue (docs/benchmarks.md, memory row): a products list page is asked for while the
// page before it is stored but only once the one before that is stored (one page in hand beyond
// the one being stored), and each price book (an entry per item it prices) only once the one before is.
// The consumer is made slow (each answer waits before it is handed over), so a sync that read
// ahead would have asked for the next page or book by then.

const SLOW_MS = 40;
let t: TestDatabase;
let sandbox: ZohoSandbox;
let zoho: ZohoClient;

beforeAll(async () => {
  [t, sandbox] = await Promise.all([
    createTestDatabase(),
    startZohoSandbox({ seed: 'sync-in-flight', items: 700, customers: 2, vendors: 1, invoices: 1, bills: 1, pricebooks: 4, requestsPerMinute: 100_000, maxConcurrent: 50 }),
  ]);
  zoho = createZohoClient({ organizationId: sandbox.organizationId, credentials: sandbox.credentials, accountsUrl: sandbox.accountsUrl, apiUrl: sandbox.apiUrl, requestsPerMinute: 100_000 });
});
afterAll(async () => {
  await Promise.all([t?.close(), sandbox?.close()]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stored = async (table: 'products' | 'price_lists') => Number((await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${sql.table(table)}`.execute(t.db)).rows[0]!.n);

/** `zoho` with one resource method replaced (the rest, stats and limiter included, is the original). */
function withResource(api: 'books' | 'inventory', resource: string, method: string, wrap: (original: (...args: unknown[]) => Promise<unknown>) => (...args: unknown[]) => Promise<unknown>): ZohoClient {
  const resources = zoho[api] as unknown as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>;
  const target = resources[resource]!;
  const replaced = { ...resources, [resource]: { ...target, [method]: wrap(target[method]!.bind(target)) } };
  return new Proxy(zoho, { get: (client, key) => (key === api ? replaced : Reflect.get(client, key)) });
}

it('asks for each list page of a full products sync only after the page two before it is applied', { timeout: 120_000 }, async () => {
  const storedAtEachRequest: number[] = [];
  const client = withResource('inventory', 'items', 'list', (list) => async (...args) => {
    storedAtEachRequest.push(await stored('products'));
    const page = await list(...args);
    await sleep(SLOW_MS);
    return page;
  });

  const result = await syncEntity({ db: t.db, zoho: client }, 'products', { mode: 'full' });

  expect(result).toMatchObject({ status: 'succeeded', counts: { inserted: 700, pages: 4 } });
  // 700 items are 4 pages of 200: page k+1 is asked for while page k is stored (its count may have
  // begun), never before the 200·(k-1) items of the pages before that are stored.
  expect(storedAtEachRequest).toHaveLength(4);
  storedAtEachRequest.forEach((n, k) => expect(n, `page ${k + 1}`).toBeGreaterThanOrEqual(Math.max(0, 200 * (k - 1))));
  expect(storedAtEachRequest[3]).toBeLessThan(600); // the last page is fetched beside the third page's store
});

it('fetches one price book at a time, each only after the book before is applied', { timeout: 120_000 }, async () => {
  const storedAtEachRequest: number[] = [];
  let fetching = 0;
  let mostAtOnce = 0;
  // Each book is read as a stream and applied while it is read (docs/prices.md): the call is streamDetail.
  const client = withResource('books', 'pricebooks', 'streamDetail', (get) => async (...args) => {
    fetching += 1;
    mostAtOnce = Math.max(mostAtOnce, fetching);
    try {
      storedAtEachRequest.push(await stored('price_lists'));
      const book = await get(...args);
      await sleep(SLOW_MS);
      return book;
    } finally {
      fetching -= 1;
    }
  });

  const result = await syncEntity({ db: t.db, zoho: client }, 'pricelists', { mode: 'full' });

  expect(result).toMatchObject({ status: 'succeeded', counts: { inserted: 4 } });
  expect(mostAtOnce).toBe(1);
  expect(storedAtEachRequest).toEqual([0, 1, 2, 3]);
});

it('lists the next page of a full stock sync and asks its itemdetails while a page\'s stock is written, never a second page ahead', { timeout: 120_000 }, async () => {
  const listed: number[] = [];
  const client = withResource('inventory', 'items', 'list', (list) => async (...args) => {
    listed.push(listed.length + 1);
    return list(...args);
  });
  let detailIds = 0;
  const counting = new Proxy(client, {
    get: (target, key) => {
      if (key !== 'inventory') return Reflect.get(target, key);
      const inventory = target.inventory;
      const itemDetails = inventory.itemDetails;
      const batches: typeof itemDetails.batches = (ids, ...rest) => {
        detailIds += ids.length;
        return itemDetails.batches(ids, ...rest);
      };
      return { ...inventory, itemDetails: { ...itemDetails, batches } };
    },
  });

  // The first page's stock cannot be written while this transaction holds stock_levels: a walk that
  // asks for nothing during a store would never list page 2 meanwhile.
  const holder = await t.pool.connect();
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await holder.query('ROLLBACK');
    holder.release();
  };
  try {
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE stock_levels IN EXCLUSIVE MODE');
    const sync = syncEntity({ db: t.db, zoho: counting }, 'stock', { mode: 'full' });
    const deadline = Date.now() + 30_000;
    while (!(listed.length >= 2 && detailIds >= 400) && Date.now() < deadline) await sleep(20);
    const whileHeld = { listed: listed.length, detailIds };
    await sleep(300); // long enough to ask for a third page, were it not bounded
    expect({ ...whileHeld, listedLater: listed.length }).toEqual({ listed: 2, detailIds: 400, listedLater: 2 });
    await release();
    const result = await sync;
    expect(result).toMatchObject({ status: 'succeeded', counts: { pages: 4 } });
    expect(listed).toHaveLength(4);
    expect(detailIds).toBe(700);
    const levels = Number((await sql<{ n: string }>`SELECT count(DISTINCT zoho_item_id)::text AS n FROM stock_levels`.execute(t.db)).rows[0]!.n);
    expect(levels).toBeGreaterThan(0);
  } finally {
    await release();
  }
});
