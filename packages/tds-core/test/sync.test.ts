import { createZohoClient, type ZohoClient } from '@tsh/zoho-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApplyContext, type ApplyContext } from '../src/apply';
import { listDeadLetters, resolveDeadLetter } from '../src/queue';
import { LARGE_INVOICE_MINIMUM, startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { SyncAlreadyRunningError, insertSyncDeadLetter, syncAll, syncEntity, type SyncDeps, type SyncProgressEvent, type SyncRunResult } from '../src/sync';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { compareCustomers, compareDocuments, comparePriceLists, compareProducts, compareStockLevels } from './sync-fixtures';

// One sandbox catalogue of the sizes issue 4 asks for, synced in full once, then changed and
// synced again: the tests of this file run in order and build on each other's state.

let t: TestDatabase;
let sandbox: ZohoSandbox;
let zoho: ZohoClient;
let ctx: ApplyContext;
let deps: SyncDeps;

beforeAll(async () => {
  [t, sandbox] = await Promise.all([
    createTestDatabase(),
    startZohoSandbox({ seed: 'sync-engine', items: 1000, customers: 200, vendors: 20, invoices: 300, bills: 100, pricebooks: 3, requestsPerMinute: 100_000, maxConcurrent: 50 }),
  ]);
  zoho = createZohoClient({
    organizationId: sandbox.organizationId,
    credentials: sandbox.credentials,
    accountsUrl: sandbox.accountsUrl,
    apiUrl: sandbox.apiUrl,
    requestsPerMinute: 100_000,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    maxRetries: 2,
  });
  ctx = createApplyContext();
  deps = { db: t.db, zoho, applyContext: ctx };
});
afterAll(async () => {
  await Promise.all([t?.close(), sandbox?.close()]);
});

const calls = (route: string) => Object.values(sandbox.stats().requests[route] ?? {}).reduce((a, b) => a + b, 0);
const byEntity = (results: Array<{ entity: string }>) => Object.fromEntries(results.map((r) => [r.entity, r])) as Record<string, SyncRunResult>;
const product = (id: string) => t.db.selectFrom('products').selectAll().where('zoho_item_id', '=', id).executeTakeFirstOrThrow();
const later = (ms = 0) => Date.now() + 60_000 + ms;

describe('sync engine against the sandbox', () => {
  it('full sync: 1 000 items in 5 pages, 200 customers, 300 invoices with lines, 100 bills, 3 price lists, every contract column equal to Zoho', { timeout: 240_000 }, async () => {
    const progress: SyncProgressEvent[] = [];
    sandbox.resetStats();
    const results = byEntity(await syncAll(deps, { mode: 'full', onProgress: (p) => progress.push(p) }));

    for (const r of Object.values(results)) expect({ entity: r.entity, status: r.status, error: r.error }).toEqual({ entity: r.entity, status: 'succeeded', error: null });
    expect(results.products.counts).toMatchObject({ inserted: 1000, deadLettered: 0, stale: 0 });
    expect(results.customers.counts).toMatchObject({ inserted: 200, skipped: 20 });
    expect(results.invoices.counts).toMatchObject({ fetched: 300, inserted: 300 });
    expect(results.bills.counts).toMatchObject({ fetched: 100, inserted: 100 });
    expect(results.pricelists.counts).toMatchObject({ fetched: 3, inserted: 3 });
    expect(calls('/inventory/v1/items')).toBe(10); // 5 pages for products, 5 for stock
    expect(results.products.counts.pages).toBe(5);
    expect(calls('/inventory/v1/itemdetails')).toBe(20);
    expect(calls('/books/v3/invoices/{id}')).toBe(300);
    expect(calls('/books/v3/bills/{id}')).toBe(100);
    const used = Object.values(results).reduce((n, r) => n + r.counts.requestsUsed, 0);
    expect(used).toBe(sandbox.stats().apiRequests);

    expect(await compareProducts(t.db, sandbox.store)).toEqual([]);
    expect(await compareStockLevels(t.db, sandbox.store)).toEqual([]);
    expect(await compareCustomers(t.db, sandbox.store)).toEqual([]);
    expect(await compareDocuments(t.db, sandbox.store, 'invoices')).toEqual([]);
    expect(await compareDocuments(t.db, sandbox.store, 'bills')).toEqual([]);
    expect(await comparePriceLists(t.db, sandbox.store)).toEqual([]);

    const productEvents = progress.filter((p) => p.entity === 'products');
    expect(productEvents.at(-1)).toMatchObject({ phase: 'done', pages: 5, records: 1000 });
    expect(productEvents.some((p) => p.phase === 'fetching' && p.pages === 3 && p.requestsUsed > 0)).toBe(true);
    const runs = await t.db.selectFrom('tds_sync_runs').selectAll().orderBy('id').execute();
    expect(runs.map((r) => [r.entity, r.mode, r.status])).toEqual(
      ['pricelists', 'products', 'stock', 'customers', 'invoices', 'bills'].map((e) => [e, 'full', 'succeeded']),
    );
    expect(runs[1].counts).toMatchObject({ inserted: 1000, pages: 5 });
    const state = await t.db.selectFrom('tds_sync_state').selectAll().where('entity', '=', 'products').executeTakeFirstOrThrow();
    expect(state).toMatchObject({ last_run_status: 'succeeded', last_error: null, organization_id: sandbox.organizationId });
    expect(state.last_full_sync_at).toBeInstanceOf(Date);
    expect(state.cursor?.getTime()).toBe(Math.max(...sandbox.store.items.list().map((i) => i.last_modified_time)));
  });

  it('stored the hard cases exactly: Arabic fallback, barcode rule, hostile strings, a 1 250 000 000 IQD total', async () => {
    const items = sandbox.store.items.list();
    const noArabic = items.find((i) => i.name_ar === null || i.name_ar.trim() === '')!;
    expect((await product(noArabic.item_id)).name_ar).toBe(noArabic.name);
    const upcOnly = items.find((i) => i.ean.trim() === '' && i.upc.trim() !== '')!;
    expect((await product(upcOnly.item_id)).barcode).toBe(upcOnly.upc);
    const hostile = items.filter((i) => /DROP TABLE|🔌|"Pro"|<script>/.test(i.name));
    expect(hostile.length).toBeGreaterThanOrEqual(4);
    for (const item of hostile) expect((await product(item.item_id)).name).toBe(item.name);
    const long = items.find((i) => i.description.length === 2000)!;
    expect((await product(long.item_id)).description).toBe(long.description);
    const large = sandbox.store.invoices.list().find((i) => Number(i.total) >= Number(LARGE_INVOICE_MINIMUM))!;
    const stored = await t.db.selectFrom('invoices').select(['total']).where('zoho_invoice_id', '=', large.invoice_id).executeTakeFirstOrThrow();
    expect(stored.total?.replace(/\.?0+$/, '')).toBe(large.total.replace(/\.?0+$/, ''));
    expect(Number(large.total)).toBeGreaterThanOrEqual(1_250_000_000);
  });

  it('a second incremental run right after is all no-ops and fetches no details', async () => {
    sandbox.resetStats();
    const results = byEntity(await syncAll(deps, { mode: 'incremental', entities: ['products', 'invoices', 'customers'] }));
    for (const r of Object.values(results)) {
      expect(r.status).toBe('succeeded');
      expect(r.counts).toMatchObject({ inserted: 0, updated: 0, deleted: 0, restored: 0 });
      expect(r.counts.unchanged).toBe(r.counts.fetched);
    }
    expect(calls('/inventory/v1/itemdetails')).toBe(0);
    expect(calls('/books/v3/invoices/{id}')).toBe(0);
  });

  it('incremental after changing 10 items fetches only what changed', async () => {
    const changed = sandbox.store.idsOf('item').slice(100, 110);
    for (const [i, id] of changed.entries()) sandbox.store.update('item', id, { rate: String(50_000 + i * 250), name: `Changed item ${i}` });
    sandbox.resetStats();
    const result = await syncEntity(deps, 'products', { mode: 'incremental' });
    expect(result.status).toBe('succeeded');
    expect(result.counts).toMatchObject({ updated: 10, inserted: 0, stale: 0 });
    expect(result.counts.fetched - result.counts.unchanged).toBe(10);
    expect(calls('/inventory/v1/itemdetails')).toBe(1);
    expect(calls('/inventory/v1/items')).toBe(1);
    expect((await product(changed[3])).name).toBe('Changed item 3');
    expect(await compareProducts(t.db, sandbox.store)).toEqual([]);
    expect(result.cursor?.getTime()).toBe(sandbox.store.get('item', changed[9])!.last_modified_time);
  });

  it('a price-list change updates consumer_price, and an item change afterwards keeps it', async () => {
    const consumer = sandbox.store.pricebooks.list().find((b) => b.name === 'Consumer Price List')!;
    const itemId = [...consumer.rates.keys()].find((id) => sandbox.store.items.has(id))!;
    sandbox.store.update('pricebook', consumer.pricebook_id, { rates: { [itemId]: '1234750' } });
    const lists = await syncEntity(deps, 'pricelists', { mode: 'incremental' });
    expect(lists.counts).toMatchObject({ updated: 1, unchanged: 2 });
    expect((await product(itemId)).consumer_price).toBe('1234750');
    sandbox.store.update('item', itemId, { name: 'Repriced item' });
    await syncEntity(deps, 'products', { mode: 'incremental' });
    expect(await product(itemId)).toMatchObject({ name: 'Repriced item', consumer_price: '1234750' });
    expect(await compareProducts(t.db, sandbox.store)).toEqual([]);
  });

  it('a line removed from an invoice in Zoho disappears; an edited document is fetched again', async () => {
    const invoice = sandbox.store.invoices.list().find((i) => i.line_items.length >= 2)!;
    const removed = invoice.line_items[0].line_item_id;
    sandbox.store.update('invoice', invoice.invoice_id, { line_items: invoice.line_items.slice(1) });
    sandbox.resetStats();
    const result = await syncEntity(deps, 'invoices', { mode: 'incremental' });
    expect(result.counts).toMatchObject({ updated: 1 });
    expect(calls('/books/v3/invoices/{id}')).toBe(1);
    const lines = await t.db.selectFrom('invoice_lines').select('zoho_line_item_id').where('zoho_invoice_id', '=', invoice.invoice_id).execute();
    expect(lines.map((l) => l.zoho_line_item_id)).not.toContain(removed);
    expect(await compareDocuments(t.db, sandbox.store, 'invoices')).toEqual([]);
  });

  it('a full run soft-deletes what Zoho deleted, after checking each one; a re-created record is restored', async () => {
    const [itemId] = sandbox.store.idsOf('item').slice(-1);
    const contactId = sandbox.store.customers()[5].contact_id;
    const billId = sandbox.store.idsOf('bill')[7];
    const item = sandbox.store.get('item', itemId)!;
    sandbox.store.delete('item', itemId);
    sandbox.store.delete('contact', contactId);
    sandbox.store.delete('bill', billId);
    sandbox.resetStats();
    const results = byEntity(await syncAll(deps, { mode: 'full', entities: ['products', 'customers', 'bills'] }));
    expect(results.products.counts.deleted).toBe(1);
    expect(results.customers.counts.deleted).toBe(1);
    expect(results.bills.counts.deleted).toBe(1);
    expect(calls('/inventory/v1/items/{id}')).toBe(1); // the deletion was confirmed with Zoho, not guessed
    const deleted = await product(itemId);
    expect(deleted.deleted_at).toBeInstanceOf(Date);
    expect(deleted.is_active).toBe(false);
    expect((await t.db.selectFrom('customers').select('deleted_at').where('zoho_contact_id', '=', contactId).executeTakeFirstOrThrow()).deleted_at).toBeInstanceOf(Date);
    expect((await t.db.selectFrom('bill_lines').select('deleted_at').where('zoho_bill_id', '=', billId).execute()).every((l) => l.deleted_at !== null)).toBe(true);
    expect(await compareProducts(t.db, sandbox.store)).toEqual([]);
    expect(await compareDocuments(t.db, sandbox.store, 'bills')).toEqual([]);

    sandbox.store.items.insert({ ...item, last_modified_time: Math.floor(later() / 1000) * 1000 });
    const again = await syncEntity(deps, 'products', { mode: 'incremental' });
    expect(again.counts.restored).toBe(1);
    expect((await product(itemId)).deleted_at).toBeNull();
  });

  it('a pass that fails midway deletes nothing, keeps the cursor of the pages it applied, and records the failure', async () => {
    const [gone] = sandbox.store.idsOf('item');
    sandbox.store.delete('item', gone);
    const before = (await t.db.selectFrom('tds_sync_state').select('cursor').where('entity', '=', 'products').executeTakeFirstOrThrow()).cursor;
    const result = await syncEntity(deps, 'products', {
      mode: 'full',
      onProgress: (p) => {
        if (p.phase === 'fetching' && p.pages === 2) sandbox.faults.errorRate = 1;
      },
    });
    sandbox.faults.errorRate = 0;
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/Zoho API 5\d\d/);
    // Page 3 is fetched while page 2 is stored: whether it was fetched before the errors began is a race.
    expect([2, 3]).toContain(result.counts.pages);
    expect((await product(gone)).deleted_at).toBeNull();
    const run = await t.db.selectFrom('tds_sync_runs').selectAll().where('id', '=', result.runId).executeTakeFirstOrThrow();
    expect(run).toMatchObject({ status: 'failed', error: expect.stringMatching(/Zoho API 5\d\d/) });
    const state = await t.db.selectFrom('tds_sync_state').selectAll().where('entity', '=', 'products').executeTakeFirstOrThrow();
    expect(state).toMatchObject({ last_run_status: 'failed', last_error: expect.stringMatching(/Zoho API/) });
    expect(state.cursor).toEqual(before); // a full pass over old records never moves the cursor back

    const retry = await syncEntity(deps, 'products', { mode: 'full' });
    expect(retry.status).toBe('succeeded');
    expect(retry.counts.deleted).toBe(1);
    expect(await compareProducts(t.db, sandbox.store)).toEqual([]);
  });

  it('sends a malformed record to the DLQ with its reason while the run goes on', async () => {
    sandbox.faults.queue.push('invalid');
    const progress: SyncProgressEvent[] = [];
    const result = await syncEntity(deps, 'products', { mode: 'full', onProgress: (p) => progress.push(p) });
    expect(result.status).toBe('succeeded');
    // The stored row count sizes a full pass, so it reports a rate and an ETA.
    const midway = progress.find((p) => p.phase === 'fetching' && p.pages === 2)!;
    expect(midway.ratePerMinute).toBeGreaterThan(0);
    expect(midway.etaSeconds).toBeGreaterThanOrEqual(0);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', etaSeconds: 0 });
    expect(result.counts.deadLettered).toBe(1);
    const { items } = await listDeadLetters(t.db);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ entity_type: 'products', source: 'sync', operation: 'upsert' });
    expect(items[0].error).toMatch(/Invalid Zoho item/);
    expect(await compareProducts(t.db, sandbox.store)).toEqual([]);
  });

  it('keeps one DLQ entry per bad record across runs, and stores a record holding U+0000 for inspection', async () => {
    const raw = { item_id: '4815000000999999001', name: 'bad\u0000name', rate: 'x' };
    expect(await insertSyncDeadLetter(t.db, { entityType: 'products', zohoId: raw.item_id, raw, error: new Error('Invalid Zoho item') })).toBe(true);
    expect(await insertSyncDeadLetter(t.db, { entityType: 'products', zohoId: raw.item_id, raw, error: new Error('Invalid Zoho item') })).toBe(false);
    const row = await t.db.selectFrom('tds_dead_letter_queue').selectAll().where('zoho_id', '=', raw.item_id).executeTakeFirstOrThrow();
    expect(row.payload).toEqual({ ...raw, name: 'bad\\u0000name' });
  });

  it('does not reopen a dead letter an operator resolved while the record is unchanged; a changed record that still fails is added', async () => {
    const raw = { item_id: '4815000000999999003', name: 'resolved one', rate: 'x', last_modified_time: '2025-06-03T14:22:47+0300' };
    const letter = (raw: Record<string, unknown>) => insertSyncDeadLetter(t.db, { entityType: 'products', zohoId: '4815000000999999003', raw, error: new Error('Invalid Zoho item') });
    expect(await letter(raw)).toBe(true);
    const row = await t.db.selectFrom('tds_dead_letter_queue').select('id').where('zoho_id', '=', raw.item_id).executeTakeFirstOrThrow();
    expect(await resolveDeadLetter(t.db, row.id, 'known bad price, fixed later in Zoho')).toBeDefined();
    expect(await letter(raw)).toBe(false);
    expect(await letter({ ...raw, rate: 'y', last_modified_time: '2025-06-04T09:00:00+0300' })).toBe(true);
    const open = (await listDeadLetters(t.db)).items.filter((d) => d.zoho_id === raw.item_id);
    expect(open.map((d) => (d.payload as { rate: string }).rate)).toEqual(['y']);
  });

  it('stores a refused record holding an unpaired surrogate for inspection (jsonb refuses the escape)', async () => {
    const raw = { item_id: '4815000000999999002', name: 'cut \ud83d', description: 'whole 💡', rate: 'x' };
    expect(await insertSyncDeadLetter(t.db, { entityType: 'products', zohoId: raw.item_id, raw, error: new Error('Invalid Zoho item') })).toBe(true);
    const row = await t.db.selectFrom('tds_dead_letter_queue').selectAll().where('zoho_id', '=', raw.item_id).executeTakeFirstOrThrow();
    expect(row.payload).toEqual({ ...raw, name: 'cut \\ud83d' });
  });

  it('a record holding an unpaired surrogate (half an emoji) goes to the DLQ with its reason; the run goes on', async () => {
    const broken = sandbox.store.createItem({ name: 'Lamp \ud83d', last_modified_time: later(1000) });
    const fine = sandbox.store.createItem({ name: 'Lamp 💡 whole', last_modified_time: later(2000) });
    const result = await syncEntity(deps, 'products', { mode: 'incremental' });
    expect({ status: result.status, error: result.error }).toEqual({ status: 'succeeded', error: null });
    expect((await product(fine.item_id)).name).toBe('Lamp 💡 whole');
    expect(await t.db.selectFrom('products').select('zoho_item_id').where('zoho_item_id', '=', broken.item_id).execute()).toEqual([]);
    const letter = (await listDeadLetters(t.db)).items.find((d) => d.zoho_id === broken.item_id);
    expect(letter?.error).toMatch(/name contains a broken character \(an unpaired UTF-16 surrogate/);
    expect((letter?.payload as { name?: string }).name).toBe('Lamp \\ud83d');
    sandbox.store.delete('item', broken.item_id); // leave the catalogue as the next tests expect it
  });

  it('reads legacy warehouses[] stock', async () => {
    sandbox.settings.legacyWarehouses = true;
    const item = sandbox.store.items.list().find((i) => i.stock.length > 1)!;
    item.stock[1].stock_on_hand = '4321';
    sandbox.store.touched('item', item.item_id, 'stock');
    try {
      const result = await syncEntity(deps, 'stock', { mode: 'incremental' });
      expect(result.status).toBe('succeeded');
      expect(result.counts.updated).toBeGreaterThanOrEqual(1);
    } finally {
      sandbox.settings.legacyWarehouses = false;
    }
    const level = await t.db.selectFrom('stock_levels').select('stock_on_hand').where('zoho_item_id', '=', item.item_id).where('zoho_location_id', '=', item.stock[1].location_id).executeTakeFirstOrThrow();
    expect(level.stock_on_hand).toBe('4321');
    expect(await compareStockLevels(t.db, sandbox.store)).toEqual([]);
  });

  it('refuses a second run of the same entity while one is running, and stops on abort', async () => {
    const controller = new AbortController();
    let second: unknown;
    const first = await syncEntity(deps, 'products', {
      mode: 'full',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'fetching' && p.pages === 1 && second === undefined) {
          second = syncEntity(deps, 'products', { mode: 'incremental' }).catch((e: unknown) => e);
          controller.abort();
        }
      },
    });
    expect(await second).toBeInstanceOf(SyncAlreadyRunningError);
    expect(first.status).toBe('cancelled');
    expect(first.counts.pages).toBe(1);
    expect(first.counts.deleted).toBe(0);
    const run = await t.db.selectFrom('tds_sync_runs').select('status').where('id', '=', first.runId).executeTakeFirstOrThrow();
    expect(run.status).toBe('cancelled');
  });
});
