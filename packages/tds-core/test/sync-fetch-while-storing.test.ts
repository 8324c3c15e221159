import { createZohoClient } from '@tsh/zoho-client';
import { startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApplyContext } from '../src/apply';
import { syncEntity } from '../src/sync';
import { fetchWhileStoring } from '../src/sync/fetch-while-storing';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Pages 1..n; each `next()` that starts listing a page logs `list k`. */
async function* listed(n: number, log: string[], failAt?: number) {
  try {
    for (let k = 1; k <= n; k++) {
      log.push(`list ${k}`);
      await tick(1);
      if (k === failAt) throw new Error(`list ${k} failed`);
      yield k;
    }
  } finally {
    log.push('walk closed');
  }
}

describe('fetchWhileStoring', () => {
  it('stores pages in order, one at a time, fetching the next page beside each store and never a second one ahead', async () => {
    const log: string[] = [];
    const previousSeen: Array<[number, number | undefined]> = [];
    await fetchWhileStoring(
      listed(5, log),
      async (k, previous: { k: number } | undefined) => {
        previousSeen.push([k, previous?.k]);
        log.push(`fetched ${k}`);
        return { k };
      },
      async ({ k }) => {
        log.push(`store ${k}`);
        await tick(15); // far slower than a fetch: an unbounded walk would run ahead
        log.push(`stored ${k}`);
      },
    );
    const at = (entry: string) => {
      const i = log.indexOf(entry);
      expect(i, entry).toBeGreaterThanOrEqual(0);
      return i;
    };
    for (let k = 1; k <= 5; k++) {
      if (k > 1) expect(at(`store ${k}`)).toBeGreaterThan(at(`stored ${k - 1}`));
      if (k < 5) expect(at(`fetched ${k + 1}`)).toBeLessThan(at(`stored ${k}`)); // the next page is fetched during the store
      if (k < 4) expect(at(`list ${k + 2}`)).toBeGreaterThan(at(`stored ${k}`)); // but not the one after it
    }
    expect(previousSeen).toEqual([[1, undefined], [2, 1], [3, 2], [4, 3], [5, 4]]);
  });

  it('reports a failed list request once the page before it is stored, and stores nothing after it', async () => {
    const log: string[] = [];
    const walk = fetchWhileStoring(
      listed(5, log, 3),
      async (k) => k,
      async (k) => {
        log.push(`store ${k}`);
        await tick(15);
        log.push(`stored ${k}`);
      },
    );
    await expect(walk).rejects.toThrow('list 3 failed');
    expect(log.filter((e) => e.startsWith('store'))).toEqual(['store 1', 'stored 1', 'store 2', 'stored 2']);
  });

  it('after a failed store, stops the fetch beside it and waits for it, asks for no further page and closes the walk', async () => {
    const log: string[] = [];
    const stop = new AbortController();
    const walk = fetchWhileStoring(
      listed(5, log),
      async (k) => {
        if (k === 3) {
          // A fetch that would take long (a rate-limit wait) unless it is stopped.
          await new Promise((resolve) => {
            const stopped = () => (clearTimeout(timer), log.push('fetch 3 stopped'), resolve(undefined));
            const timer = setTimeout(resolve, 10_000);
            if (stop.signal.aborted) stopped();
            else stop.signal.addEventListener('abort', stopped);
          });
        }
        log.push(`fetched ${k}`);
        return k;
      },
      async (k) => {
        log.push(`store ${k}`);
        if (k === 2) throw new Error('store 2 failed');
      },
      () => stop.abort(),
    );
    await expect(walk).rejects.toThrow('store 2 failed');
    log.push('rejected');
    expect(log.indexOf('fetch 3 stopped')).toBeGreaterThan(log.indexOf('store 2'));
    expect(log.indexOf('fetched 3')).toBeLessThan(log.indexOf('rejected'));
    expect(log).not.toContain('list 4');
    expect(log).not.toContain('store 3');
    expect(log.indexOf('walk closed')).toBeLessThan(log.indexOf('rejected'));
  });
});

describe('products sync fetching the next page while storing one', () => {
  let t: TestDatabase;
  let sandbox: ZohoSandbox;

  beforeAll(async () => {
    [t, sandbox] = await Promise.all([
      createTestDatabase(),
      startZohoSandbox({ seed: 'fetch-while-storing', items: 600, customers: 2, vendors: 1, invoices: 1, bills: 1, requestsPerMinute: 100_000, maxConcurrent: 50 }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([t?.close(), sandbox?.close()]);
  });

  it('a walk by keyset asks itemdetails only for what the page being stored is not already writing', { timeout: 120_000 }, async () => {
    // Items in list order (time, then id); the 101st to 250th share one second, so the second page
    // (keyset from the first page's last second) lists 100 items again while the first is stored.
    const ids = sandbox.store.idsOf('item').sort();
    const base = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
    ids.forEach((id, i) => {
      const second = i < 100 ? i : i < 250 ? 100 : i - 149;
      sandbox.store.items.insert({ ...sandbox.store.get('item', id)!, last_modified_time: base + second * 1000 });
    });
    const zoho = createZohoClient({ organizationId: sandbox.organizationId, credentials: sandbox.credentials, accountsUrl: sandbox.accountsUrl, apiUrl: sandbox.apiUrl, requestsPerMinute: 100_000 });
    sandbox.resetStats();
    const result = await syncEntity({ db: t.db, zoho, applyContext: createApplyContext() }, 'products', { mode: 'incremental', since: new Date(0) });
    expect({ status: result.status, error: result.error }).toEqual({ status: 'succeeded', error: null });
    const calls = (route: string) => Object.values(sandbox.stats().requests[route] ?? {}).reduce((a, b) => a + b, 0);
    // Pages: items 1-200 (200 new), 101-300 (100 new), 300-499 (199 new), 499-600 (101 new): what a
    // walk storing each page before listing the next would ask. Counting the first page's items as
    // not stored yet would ask a second batch for the second page.
    expect(calls('/inventory/v1/items')).toBe(4);
    expect(calls('/inventory/v1/itemdetails')).toBe(7);
    expect(result.counts).toMatchObject({ inserted: 600, unchanged: 102, deadLettered: 0 });
    const stored = await t.db.selectFrom('products').select(['zoho_item_id', 'zoho_last_modified_time']).execute();
    expect(new Map(stored.map((r) => [r.zoho_item_id, r.zoho_last_modified_time?.getTime()]))).toEqual(new Map(ids.map((id) => [id, sandbox.store.get('item', id)!.last_modified_time])));
  });
});
