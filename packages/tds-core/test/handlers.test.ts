import { sql } from 'kysely';
import { createZohoClient, type ZohoClient } from '@tsh/zoho-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSyncHandlers } from '../src/handlers';
import { claim, complete, enqueueMany, failMany, listDeadLetters, queueStats, type EnqueueInput, type QueueItem } from '../src/queue';
import { startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import type { EntityType } from '../src/transform';
import { createWorkerPool, type BatchHandler, type ItemOutcome } from '../src/workers';
import { rawContact, rawInvoice, rawItem, zohoId } from './apply-fixtures';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { waitFor } from './helpers/wait-for';

let t: TestDatabase;
let sandbox: ZohoSandbox;
let zoho: ZohoClient;
let handlers: Record<EntityType, BatchHandler>;

beforeAll(async () => {
  [t, sandbox] = await Promise.all([
    createTestDatabase(),
    startZohoSandbox({ seed: 'handlers', items: 150, customers: 12, vendors: 3, invoices: 12, bills: 4, pricebooks: 3, requestsPerMinute: 100_000 }),
  ]);
  zoho = createZohoClient({
    organizationId: sandbox.organizationId,
    credentials: sandbox.credentials,
    accountsUrl: sandbox.accountsUrl,
    apiUrl: sandbox.apiUrl,
    requestsPerMinute: 100_000,
    retryBaseDelayMs: 10,
  });
  handlers = createSyncHandlers({ db: t.db, zoho });
});
afterAll(async () => {
  await Promise.all([t?.close(), sandbox?.close()]);
});
beforeEach(async () => {
  await sql`TRUNCATE tds_sync_queue, tds_dead_letter_queue, products, categories, stock_levels, customers, invoices, invoice_lines, bills, bill_lines, price_lists, price_list_items RESTART IDENTITY CASCADE`.execute(t.db);
  sandbox.resetStats();
});

/** Enqueues the events and claims them back as the worker would see them. */
async function claimed(events: EnqueueInput[]): Promise<QueueItem[]> {
  await enqueueMany(t.db, events);
  const items = await claim(t.db, { workerId: 'test-worker', batchSize: 1000, leaseSeconds: 60 });
  expect(items).toHaveLength(events.length);
  return items;
}

async function run(entity: EntityType, events: EnqueueInput[]): Promise<{ items: QueueItem[]; outcomes: ItemOutcome[] }> {
  const items = await claimed(events);
  const outcomes = await handlers[entity](items, { workerId: 'test-worker', signal: new AbortController().signal });
  // Settle the items as the worker would, so later events of the same records can be claimed.
  await complete(t.db, outcomes.filter((o) => o.status === 'completed').map((o) => o.id), 'test-worker');
  await failMany(t.db, 'test-worker', outcomes.flatMap((o) => (o.status === 'failed' ? [{ id: o.id, error: o.error, retryable: false }] : [])));
  return { items, outcomes };
}

const apiCalls = (route: string) => Object.values(sandbox.stats().requests[route] ?? {}).reduce((a, b) => a + b, 0);

describe('record handlers', () => {
  it('applies a record carried whole without asking Zoho', async () => {
    const raw = rawItem();
    const { outcomes } = await run('products', [{ entity_type: 'products', zoho_id: String(raw.item_id), payload: raw, source: 'webhook' }]);
    expect(outcomes).toEqual([{ id: expect.any(String), status: 'completed' }]);
    expect(sandbox.stats().apiRequests).toBe(0);
    const row = await t.db.selectFrom('products').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ zoho_item_id: raw.item_id, name_ar: 'كابل' });
  });

  it('fetches items sent by id through itemdetails batches of 100', async () => {
    const ids = sandbox.store.idsOf('item').slice(0, 130);
    const { outcomes } = await run('products', ids.map((id) => ({ entity_type: 'products', zoho_id: id })));
    expect(outcomes.every((o) => o.status === 'completed')).toBe(true);
    expect(apiCalls('/inventory/v1/itemdetails')).toBe(2);
    const stored = await t.db.selectFrom('products').select(['zoho_item_id', 'name', 'unit_price']).execute();
    expect(stored).toHaveLength(130);
    const truth = sandbox.store.get('item', ids[0])!;
    const row = stored.find((r) => r.zoho_item_id === ids[0])!;
    expect(row.name).toBe(truth.name);
    expect(Number(row.unit_price)).toBe(Number(truth.rate));
    expect(await t.db.selectFrom('stock_levels').select('zoho_item_id').where('zoho_item_id', '=', ids[0]).execute()).toHaveLength(truth.stock.length);
  });

  it('soft-deletes a record Zoho no longer has when it is fetched by id', async () => {
    const [kept, gone] = sandbox.store.idsOf('invoice');
    await run('invoices', [{ entity_type: 'invoices', zoho_id: gone }]);
    sandbox.store.delete('invoice', gone);
    const { outcomes } = await run('invoices', [
      { entity_type: 'invoices', zoho_id: kept },
      { entity_type: 'invoices', zoho_id: gone },
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['completed', 'completed']);
    const rows = await t.db.selectFrom('invoices').select(['zoho_invoice_id', 'deleted_at']).orderBy('zoho_invoice_id').execute();
    expect(rows.find((r) => r.zoho_invoice_id === gone)?.deleted_at).toBeInstanceOf(Date);
    expect(rows.find((r) => r.zoho_invoice_id === kept)?.deleted_at).toBeNull();
    const lines = await t.db.selectFrom('invoice_lines').selectAll().where('zoho_invoice_id', '=', kept).execute();
    expect(lines).toHaveLength(sandbox.store.get('invoice', kept)!.line_items.length);
  });

  it('when itemdetails refuses a whole batch because one id was deleted, asks id by id: the deleted item is soft-deleted, the others applied', async () => {
    const ids = sandbox.store.idsOf('item').slice(-3);
    const gone = ids[2];
    await run('products', ids.map((id) => ({ entity_type: 'products', zoho_id: id })));
    sandbox.store.delete('item', gone);
    sandbox.settings.itemDetailsUnknownIds = 'not-found';
    try {
      const { outcomes } = await run('products', ids.map((id) => ({ entity_type: 'products', zoho_id: id })));
      expect(outcomes.map((o) => o.status)).toEqual(['completed', 'completed', 'completed']);
    } finally {
      sandbox.settings.itemDetailsUnknownIds = 'omit';
    }
    const rows = await t.db.selectFrom('products').select(['zoho_item_id', 'deleted_at']).where('zoho_item_id', 'in', ids).execute();
    expect(rows.filter((r) => r.deleted_at !== null).map((r) => r.zoho_item_id)).toEqual([gone]);
    expect(await listDeadLetters(t.db).then((d) => d.items)).toEqual([]);
    expect(apiCalls('/inventory/v1/items/{id}')).toBe(3);
  });

  it('fetches the detail of a list row without line_items', async () => {
    const id = sandbox.store.idsOf('invoice')[2];
    const row = rawInvoice({ invoice_id: id });
    delete row.line_items;
    const { outcomes } = await run('invoices', [{ entity_type: 'invoices', zoho_id: id, payload: row }]);
    expect(outcomes[0].status).toBe('completed');
    expect(apiCalls('/books/v3/invoices/{id}')).toBe(1);
    const stored = await t.db.selectFrom('invoices').selectAll().executeTakeFirstOrThrow();
    expect(stored.invoice_number).toBe(sandbox.store.get('invoice', id)!.invoice_number);
  });

  it('soft-deletes on a delete event, even one whose last state is malformed', async () => {
    const raw = rawContact();
    await run('customers', [{ entity_type: 'customers', zoho_id: String(raw.contact_id), payload: raw }]);
    const { outcomes } = await run('customers', [{ entity_type: 'customers', zoho_id: String(raw.contact_id), operation: 'delete', payload: { ...raw, outstanding_receivable_amount: 'lots' } }]);
    expect(outcomes[0].status).toBe('completed');
    const row = await t.db.selectFrom('customers').selectAll().executeTakeFirstOrThrow();
    expect(row.deleted_at).toBeInstanceOf(Date);
    expect(row.is_active).toBe(false);
  });

  it('fetches a contact whose type the payload does not say', async () => {
    const id = sandbox.store.customers()[0].contact_id;
    const { outcomes } = await run('customers', [{ entity_type: 'customers', zoho_id: id, payload: { contact_id: id, contact_name: 'reduced row' } }]);
    expect(outcomes[0].status).toBe('completed');
    expect((await t.db.selectFrom('customers').select('name').executeTakeFirstOrThrow()).name).toBe(sandbox.store.get('contact', id)!.contact_name);
  });

  it('fails a malformed record for good with its reason while the rest of the batch is applied', async () => {
    const good = rawItem();
    const bad = rawItem({ rate: 'twelve thousand' });
    const odd = rawItem({ name: 'control character' });
    const { items, outcomes } = await run('products', [
      { entity_type: 'products', zoho_id: String(good.item_id), payload: good },
      { entity_type: 'products', zoho_id: String(bad.item_id), payload: bad },
      { entity_type: 'products', zoho_id: String(odd.item_id), payload: { item: { ...odd, description: 'a\u0001b' } } },
    ]);
    const byId = new Map(outcomes.map((o) => [o.id, o]));
    expect(byId.get(items[0].id)).toEqual({ id: items[0].id, status: 'completed' });
    expect(byId.get(items[1].id)).toMatchObject({ status: 'failed', retryable: false, error: expect.stringContaining('rate: expected a decimal number') });
    expect(byId.get(items[2].id)?.status).toBe('completed');
    expect(await t.db.selectFrom('products').select('zoho_item_id').orderBy('zoho_item_id').execute()).toHaveLength(2);
  });

  it('a malformed copy of a record Zoho has (a webhook body, a dead letter replayed after the fix in Zoho) is replaced by Zoho\'s current record', async () => {
    const id = sandbox.store.idsOf('item')[3];
    const stale = { ...rawItem({ item_id: id }), name: undefined, rate: 'abc' };
    const { outcomes } = await run('products', [{ entity_type: 'products', zoho_id: id, payload: { item: stale }, source: 'manual' }]);
    expect(outcomes).toEqual([{ id: expect.any(String), status: 'completed' }]);
    expect((await t.db.selectFrom('products').select('name').where('zoho_item_id', '=', id).executeTakeFirstOrThrow()).name).toBe(sandbox.store.get('item', id)!.name);
    expect(apiCalls('/inventory/v1/itemdetails')).toBe(1);

    const contactId = sandbox.store.customers()[2].contact_id;
    const contact = await run('customers', [{ entity_type: 'customers', zoho_id: contactId, payload: { contact: { contact_id: contactId, contact_name: 42, outstanding_receivable_amount: 'lots' } } }]);
    expect(contact.outcomes[0].status).toBe('completed');
    expect((await t.db.selectFrom('customers').select('name').where('zoho_contact_id', '=', contactId).executeTakeFirstOrThrow()).name).toBe(sandbox.store.get('contact', contactId)!.contact_name);
  });

  it('keeps prices right when a price list arrives by id', async () => {
    const ids = sandbox.store.idsOf('item').slice(0, 20);
    await run('products', ids.map((id) => ({ entity_type: 'products', zoho_id: id })));
    const consumer = sandbox.store.pricebooks.list().find((b) => b.name === 'Consumer Price List')!;
    const { outcomes } = await run('pricelists', [{ entity_type: 'pricelists', zoho_id: consumer.pricebook_id }]);
    expect(outcomes[0].status).toBe('completed');
    const products = await t.db.selectFrom('products').select(['zoho_item_id', 'consumer_price']).execute();
    for (const p of products) {
      const rate = consumer.rates.get(p.zoho_item_id);
      expect(p.consumer_price === null ? null : Number(p.consumer_price)).toBe(rate === undefined ? null : Number(rate));
    }
    expect(products.some((p) => p.consumer_price !== null)).toBe(true);
  });
});

describe('stock handler', () => {
  it('refreshes the stock of the items an inventory adjustment touched, fetching the adjustment when it has no lines', async () => {
    const adjustment = sandbox.store.minor.inventoryadjustment.list()[0];
    const itemIds = [...new Set(adjustment.line_items.map((l) => l.item_id))];
    const { outcomes } = await run('stock', [
      { entity_type: 'stock', zoho_id: adjustment.id, payload: { inventory_adjustment_id: adjustment.id, date: adjustment.date } },
    ]);
    expect(outcomes[0]).toEqual({ id: expect.any(String), status: 'completed' });
    expect(apiCalls('/inventory/v1/inventoryadjustments/{id}')).toBe(1);
    const levels = await t.db.selectFrom('stock_levels').select(['zoho_item_id', 'zoho_location_id', 'stock_on_hand']).execute();
    expect(new Set(levels.map((l) => l.zoho_item_id))).toEqual(new Set(itemIds.filter((id) => sandbox.store.get('item', id)!.stock.length > 0)));
    for (const level of levels) {
      const truth = sandbox.store.get('item', level.zoho_item_id)!.stock.find((s) => s.location_id === level.zoho_location_id)!;
      expect(Number(level.stock_on_hand)).toBe(Number(truth.stock_on_hand));
    }
  });

  it('refreshes an item whose carried copy is malformed, by its id', async () => {
    const item = sandbox.store.items.list().find((i) => i.stock.length > 0)!;
    const { outcomes } = await run('stock', [{ entity_type: 'stock', zoho_id: item.item_id, payload: { item: { item_id: item.item_id, rate: 'abc' } } }]);
    expect(outcomes[0]).toEqual({ id: expect.any(String), status: 'completed' });
    const levels = await t.db.selectFrom('stock_levels').select('zoho_location_id').where('zoho_item_id', '=', item.item_id).execute();
    expect(levels.map((l) => l.zoho_location_id).sort()).toEqual(item.stock.map((s) => s.location_id).sort());
  });

  it('updates stock and available_stock of a stored item after a stock change', async () => {
    const item = sandbox.store.items.list().find((i) => i.stock.length > 1)!;
    await run('products', [{ entity_type: 'products', zoho_id: item.item_id }]);
    item.stock[0].stock_on_hand = '777';
    sandbox.store.items.touch(); // a stock move: last_modified_time unchanged
    const { outcomes } = await run('stock', [{ entity_type: 'stock', zoho_id: item.item_id, payload: { item_id: item.item_id, name: item.name } }]);
    expect(outcomes[0].status).toBe('completed');
    const level = await t.db.selectFrom('stock_levels').select('stock_on_hand').where('zoho_item_id', '=', item.item_id).where('zoho_location_id', '=', item.stock[0].location_id).executeTakeFirstOrThrow();
    expect(level.stock_on_hand).toBe('777');
    const total = item.stock.reduce((sum, s) => sum + Number(s.stock_on_hand), 0);
    expect(Number((await t.db.selectFrom('products').select('available_stock').where('zoho_item_id', '=', item.item_id).executeTakeFirstOrThrow()).available_stock)).toBe(total);
  });
});

describe('with the worker pool', () => {
  it('dead-letters an invalid record with its reason and completes the others', async () => {
    const pool = createWorkerPool({ db: t.db, pool: t.pool, handlers, pollIntervalMs: 20, leaseSeconds: 10 });
    await pool.start();
    try {
      const good = [rawItem(), rawItem()];
      const bad = rawItem({ item_id: zohoId(), name: 42, stock_on_hand: {} });
      await enqueueMany(t.db, [
        ...good.map((raw) => ({ entity_type: 'products', zoho_id: String(raw.item_id), payload: raw, source: 'webhook' as const })),
        { entity_type: 'products', zoho_id: String(bad.item_id), payload: bad, source: 'webhook' as const },
      ]);
      await waitFor(async () => {
        const s = await queueStats(t.db);
        return s.pending === 0 && s.processing === 0;
      });
    } finally {
      await pool.stop({ graceMs: 1000 });
    }
    const { items: dead } = await listDeadLetters(t.db);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ entity_type: 'products', zoho_id: expect.any(String) });
    expect(dead[0].error).toMatch(/Invalid Zoho item .*name/);
    expect(await t.db.selectFrom('products').select('zoho_item_id').execute()).toHaveLength(2);
  });
});
