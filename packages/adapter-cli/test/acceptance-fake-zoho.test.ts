import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@tsh/test-utils';
import { SPAWN_TIMEOUT_MS, ensureCliBuilt } from './helpers/built-cli';
import { parseJsonOutput, runCli, startCli, type CliResult } from './helpers/run-cli';
import { makeWorkDir } from './helpers/work-dir';
import {
  expectedCustomer,
  expectedDocument,
  expectedPriceList,
  expectedProduct,
  expectedStockLevels,
  storedCustomers,
  storedDocuments,
  storedPriceLists,
  storedProducts,
  storedStockLevels,
} from './fake-zoho/contract';
import { ID, INJECTION, INVALID, LONG_DESCRIPTION, zid, type ZohoRecord } from './fake-zoho/dataset';
import { startFakeZoho, type FakeZoho } from './fake-zoho/server';

// Black-box acceptance: the built `tds` against a Zoho stand-in written from docs/zoho-behaviour.md alone
// (test/fake-zoho, not our sandbox) serving hostile but valid data and a few invalid records,
// with every contract table of docs/data-contract.md compared with what the fake serves.

const work = makeWorkDir();
let fake: FakeZoho;
let db: TestDatabase;
let env: Record<string, string>;
const results: CliResult[] = [];

async function tds(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  const result = await runCli(args, { cwd: work.dir, env: { ...env, ...extraEnv } });
  results.push(result);
  return result;
}

async function ok(args: string[]): Promise<CliResult> {
  const result = await tds(args);
  if (result.code !== 0) throw new Error(`tds ${args.join(' ')}: exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  return result;
}

/** `--json` output: exactly one JSON document on stdout. */
async function json<T>(args: string[]): Promise<T> {
  return parseJsonOutput(await ok([...args, '--json'])) as T;
}

const valid = (name: 'items' | 'contacts' | 'invoices' | 'bills', invalid: readonly string[] = []) =>
  [...fake.collections[name]!.records.values()].filter((r) => !invalid.includes(String(r[fake.collections[name]!.idField])));
const byId = <T extends Record<string, unknown>>(rows: T[], key: keyof T) => [...rows].sort((a, b) => String(a[key]).localeCompare(String(b[key])));

/** Every contract table equals what the fake serves now; `deleted` lists records deleted in Zoho (soft-deleted rows). */
async function expectTablesEqualZoho(deleted: { products?: string[]; customers?: string[]; invoices?: string[] } = {}): Promise<void> {
  const books = fake.collections.pricebooks!;
  const products = await storedProducts(db);
  const gone = new Set(deleted.products ?? []);
  expect(products.filter((p) => !gone.has(String(p.zoho_item_id)))).toEqual(
    byId(valid('items', INVALID.products).map((item) => ({ ...expectedProduct(item, books), synced: true })), 'zoho_item_id'),
  );
  for (const id of gone) expect(products.find((p) => p.zoho_item_id === id)).toMatchObject({ deleted: true, is_active: false });

  const stock = await storedStockLevels(db);
  const levelKey = (l: { zoho_item_id: string; zoho_location_id: string }) => `${l.zoho_item_id}|${l.zoho_location_id}`;
  expect(stock).toEqual(valid('items', INVALID.products).flatMap(expectedStockLevels).sort((a, b) => levelKey(a).localeCompare(levelKey(b))));

  const customers = await storedCustomers(db);
  const goneContacts = new Set(deleted.customers ?? []);
  expect(customers.filter((c) => !goneContacts.has(String(c.zoho_contact_id)))).toEqual(
    byId(valid('contacts').filter((c) => c.contact_type === 'customer').map(expectedCustomer), 'zoho_contact_id'),
  );
  for (const id of goneContacts) expect(customers.find((c) => c.zoho_contact_id === id)).toMatchObject({ deleted: true, is_active: false });

  const invoices = await storedDocuments(db, 'invoices');
  const goneInvoices = new Set(deleted.invoices ?? []);
  expect(invoices.filter((d) => !goneInvoices.has(String(d.id)))).toEqual(byId(valid('invoices', INVALID.invoices).map((d) => expectedDocument(d, 'invoices')), 'id'));
  for (const id of goneInvoices) expect(invoices.find((d) => d.id === id)).toMatchObject({ deleted: true, lines: [] });
  expect(await storedDocuments(db, 'bills')).toEqual(byId(valid('bills', INVALID.bills).map((d) => expectedDocument(d, 'bills')), 'id'));

  expect(await storedPriceLists(db)).toEqual(byId([...books.records.values()].map(expectedPriceList), 'zoho_pricebook_id'));
}

interface DeadLetter {
  id: string | number;
  entity_type: string;
  zoho_id: string;
  error: string;
}

beforeAll(async () => {
  await ensureCliBuilt();
  [fake, db] = await Promise.all([startFakeZoho({ maxPageSize: 3, requestsPerMinute: 1000 }), createTestDatabase({ migrate: false })]);
  env = { ...fake.env, DATABASE_URL: db.url, TDS_RATE_LIMIT_PER_MINUTE: '1000' };
}, 200_000);

afterAll(async () => {
  await Promise.all([fake?.close(), db?.close()]);
  work.remove();
});

describe('tds against a literal Zoho stand-in with hostile data', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('configuration errors: every bad or missing variable named in one message, exit 2, a JSON error document on stdout (--json), no secret echoed', async () => {
    const r = await tds(['sync', 'all', '--json'], {
      ZOHO_CLIENT_ID: '',
      ZOHO_DATA_CENTER: 'mars',
      ZOHO_API_URL: 'not a url',
      TDS_RATE_LIMIT_PER_MINUTE: 'fast',
      DATABASE_URL: 'mysql://root:pw-Hunter2-fake@db.example/erp',
    });
    expect(r.code).toBe(2);
    // --json commands answer a failure with one error document on stdout (README: "--json failures").
    const document = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; message: string; exitCode: number } };
    expect(document).toMatchObject({ ok: false, error: { exitCode: 2 } });
    expect(r.stderr.match(/configuration error/g)).toHaveLength(1);
    for (const name of ['ZOHO_CLIENT_ID', 'ZOHO_DATA_CENTER', 'ZOHO_API_URL', 'TDS_RATE_LIMIT_PER_MINUTE', 'DATABASE_URL']) {
      expect(r.stderr).toContain(name);
      expect(document.error.message).toContain(name);
    }
    for (const secret of [fake.credentials.clientSecret, fake.credentials.refreshToken, 'pw-Hunter2-fake']) expect(`${r.stdout}${r.stderr}`).not.toContain(secret);
  });

  it('migrate, then sync all --full: one JSON document, every entity succeeded, only the invalid records dead-lettered', async () => {
    expect((await json<{ applied: string[] }>(['migrate'])).applied.length).toBeGreaterThan(0);
    const runs = await json<Array<{ entity: string; status: string; error: string | null; counts: { deadLettered: number } }>>(['sync', 'all', '--full']);
    expect(runs.map((r) => [r.entity, r.status, r.error]).sort()).toEqual(
      ['bills', 'customers', 'invoices', 'pricelists', 'products', 'stock'].map((e) => [e, 'succeeded', null]),
    );
    const letters = await json<DeadLetter[]>(['dlq', 'list']);
    const invalidIds = Object.values(INVALID).flat();
    expect(letters.filter((l) => !invalidIds.includes(l.zoho_id))).toEqual([]);
    const reason = (entity: string, id: string) => letters.find((l) => l.entity_type === entity && l.zoho_id === id)?.error;
    expect(reason('products', ID.nameless)).toMatch(/name/);
    expect(reason('products', ID.badRate)).toMatch(/rate.*"abc"/);
    expect(reason('invoices', ID.badTotalInvoice)).toMatch(/total.*"abc"/);
    expect(reason('bills', ID.badLineBill)).toMatch(/line_items.*rate.*"twelve"/);
  });

  it('every contract table equals Zoho: Arabic fallback, barcode rule, price lists, stock per location, exact decimals, versions', async () => {
    await expectTablesEqualZoho();
    // The hard cases, spelled out.
    const products = new Map((await storedProducts(db)).map((p) => [p.zoho_item_id, p]));
    expect(products.get(ID.lamp)).toMatchObject({ name_ar: 'مصباح ليد ٩ واط 💡', barcode: '012345678905', available_stock: '15', unit_price: '1250.5', consumer_price: '1300', wholesale_price: '1100.25' });
    expect(products.get(ID.heater)).toMatchObject({ name_ar: 'مدفأة "آركتك"', barcode: '6291041500213', available_stock: null, wholesale_price: null });
    expect(products.get(ID.injection)).toMatchObject({ name: INJECTION, description: LONG_DESCRIPTION, barcode: '9780306406157', unit_price: '0.1' });
    expect(products.get(ID.emoji)).toMatchObject({ name_ar: '🔥🔥 Hot Deal 🔥🔥', barcode: null, unit_price: null, category: null, description: null });
    expect(products.get(ID.inactive)).toMatchObject({ is_active: false, consumer_price: null, wholesale_price: '75', deleted: false });
    expect(products.get(ID.bulk)).toMatchObject({ name_ar: 'Cement 50kg', unit_price: '1250000000.125', wholesale_price: '1200000000.1' });
    expect(products.get(ID.lamp)?.zoho_last_modified_time).toBe(Date.parse('2025-06-03T11:23:47Z'));
    const invoices = new Map((await storedDocuments(db, 'invoices')).map((d) => [d.id, d]));
    expect(invoices.get(ID.bigInvoice)).toMatchObject({ total: '1250000000.125', sub_total: '1250000000.125', balance: '1250000000.125', currency_code: 'IQD' });
    expect(invoices.get(ID.bigInvoice)?.lines.map((l) => l.zoho_item_id)).toEqual([ID.lamp, null]);
    expect((await storedCustomers(db)).map((c) => c.zoho_contact_id)).not.toContain(ID.vendor);
    expect((await storedStockLevels(db)).filter((s) => s.zoho_item_id === ID.injection)).toEqual([
      { zoho_item_id: ID.injection, zoho_location_id: ID.locBaghdad, location_name: 'المستودع الرئيسي (Baghdad)', stock_on_hand: '3.5', available_stock: '3', actual_available_stock: '3.25' },
    ]);
    const { rows } = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM products`);
    expect(Number(rows[0].n)).toBe(7); // the injection did not drop anything
  });

  it('incremental sync applies changes, a deactivation and a new item; a full sync soft-deletes what Zoho deleted; a re-created record is restored', async () => {
    fake.update('items', ID.lamp, (r) => {
      r.name = 'LED Lamp 9W (v2)';
      (r.custom_fields as ZohoRecord[])[1]!.value = 'مصباح الإصدار ٢';
      r.stock_on_hand = '14.5';
      r.rate = '1260.000';
    });
    fake.update('items', ID.heater, (r) => (r.status = 'inactive'));
    fake.put('items', { item_id: zid(110), name: 'New ✨ item', sku: 'NEW-1', status: 'active', rate: '9.99', stock_on_hand: 2, created_time: '2025-06-03T14:22:47+0300',
      locations: [{ location_id: ID.locBasra, location_name: 'Basra 🏭 "North"', location_stock_on_hand: 2, location_available_stock: 2, location_actual_available_stock: 2 }] });
    const deleted = fake.remove('items', ID.toDelete);
    const runs = await json<Array<{ entity: string; mode: string; status: string }>>(['sync', 'products', 'stock']);
    expect(runs.map((r) => [r.entity, r.mode, r.status])).toEqual([['products', 'incremental', 'succeeded'], ['stock', 'incremental', 'succeeded']]);
    const products = new Map((await storedProducts(db)).map((p) => [p.zoho_item_id, p]));
    expect(products.get(ID.lamp)).toMatchObject({ name: 'LED Lamp 9W (v2)', name_ar: 'مصباح الإصدار ٢', available_stock: '14.5', unit_price: '1260' });
    expect(products.get(ID.heater)).toMatchObject({ is_active: false, deleted: false });
    expect(products.get(zid(110))).toMatchObject({ name: 'New ✨ item', is_active: true });

    // docs/zoho-behaviour.md leaves open whether itemdetails omits a deleted id or refuses the batch: take the stricter reading here.
    fake.settings.itemDetailsMissing = '404';
    await json(['sync', 'products', 'stock', '--full']);
    fake.settings.itemDetailsMissing = 'omit';
    await expectTablesEqualZoho({ products: [ID.toDelete] });
    const { rows } = await db.pool.query(`SELECT deleted_at FROM stock_levels WHERE zoho_item_id = $1`, [ID.toDelete]);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.deleted_at !== null)).toBe(true);

    fake.put('items', { ...deleted, name: 'Soon Deleted Item (back)' });
    await json(['sync', 'products', 'stock']);
    await expectTablesEqualZoho();
  });

  it('a stock move without a new item version reaches stock_levels through an inventory adjustment', async () => {
    const heater = fake.collections.items!.records.get(ID.heater)!;
    const baghdad = (heater.locations as ZohoRecord[])[0]!;
    Object.assign(baghdad, { location_stock_on_hand: '5', location_available_stock: '5', location_actual_available_stock: '4.5' });
    heater.stock_on_hand = '5';
    fake.put('inventoryadjustments', { inventory_adjustment_id: zid(602), reference_number: 'ADJ-2', date: '2025-06-04', line_items: [{ item_id: ID.heater, quantity_adjusted: -2 }] });
    await json(['sync', 'stock']);
    expect((await storedStockLevels(db)).find((s) => s.zoho_item_id === ID.heater && s.zoho_location_id === ID.locBaghdad)).toMatchObject({ stock_on_hand: '5', actual_available_stock: '4.5' });
    await expectTablesEqualZoho();
  });

  it('price list changes reach consumer/wholesale prices; an item leaving its category and a list loses the link', async () => {
    const books = fake.collections.pricebooks!.records;
    const consumer = (books.get(ID.consumer)!.pricebook_items as ZohoRecord[]).find((e) => e.item_id === ID.lamp)!;
    consumer.pricebook_rate = '1399.990';
    const wholesale = books.get(ID.wholesale)!;
    wholesale.pricebook_items = (wholesale.pricebook_items as ZohoRecord[]).filter((e) => e.item_id !== ID.injection);
    fake.update('items', ID.injection, (r) => Object.assign(r, { category_id: '', category_name: '' }));
    await json(['sync', 'pricelists', 'products']);
    const products = new Map((await storedProducts(db)).map((p) => [p.zoho_item_id, p]));
    expect(products.get(ID.lamp)?.consumer_price).toBe('1399.99');
    expect(products.get(ID.injection)).toMatchObject({ wholesale_price: null, category: null });
    await expectTablesEqualZoho();
  });

  it('invoice lines follow Zoho (a removed line disappears); deleted documents and contacts are soft-deleted by a full sync', async () => {
    fake.update('invoices', ID.linesInvoice, (r) => {
      (r.line_items as ZohoRecord[]).splice(1, 1);
      (r.line_items as ZohoRecord[])[0]!.quantity = '2.5';
      r.total = '99999999999.99';
    });
    await json(['sync', 'invoices']);
    await expectTablesEqualZoho();
    fake.remove('invoices', ID.voidInvoice);
    fake.remove('contacts', ID.dropCustomer);
    await json(['sync', 'invoices', 'customers', '--full']);
    await expectTablesEqualZoho({ invoices: [ID.voidInvoice], customers: [ID.dropCustomer] });
  });

  it('survives an expired token, a 429, an HTML 502 and a 503 without minting a token per request', async () => {
    const mintsBefore = fake.mints();
    fake.expireAccessTokens();
    fake.fail('GET', /\/books\/v3\/invoices$/, '429');
    fake.fail('GET', /\/books\/v3\/bills\/\d+$/, '502-html');
    fake.fail('GET', /\/books\/v3\/contacts$/, '503');
    fake.update('bills', ID.bill, (r) => (r.status = 'paid'));
    fake.update('contacts', ID.alnoor, (r) => (r.phone = '+964 780 111 2222'));
    fake.update('invoices', ID.bigInvoice, (r) => (r.status = 'paid'));
    const runs = await json<Array<{ entity: string; status: string }>>(['sync', 'customers', 'invoices', 'bills']);
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(fake.mints() - mintsBefore).toBe(1);
    expect(fake.requests.some((r) => r.status === 401)).toBe(true);
    await expectTablesEqualZoho({ invoices: [ID.voidInvoice], customers: [ID.dropCustomer] });
  });

  it('dlq retry after the record is fixed in Zoho applies it; dlq resolve closes one for good; queue status and the worker', async () => {
    const letters = await json<DeadLetter[]>(['dlq', 'list']);
    const nameless = letters.find((l) => l.entity_type === 'products' && l.zoho_id === ID.nameless)!;
    fake.update('items', ID.nameless, (r) => (r.name = 'Named at last'));
    expect(await json(['dlq', 'retry', String(nameless.id)])).toEqual({ retried: 1 });
    expect(await json<{ pending: number }>(['queue', 'status'])).toMatchObject({ pending: 1 });

    const worker = startCli(['worker', '--workers', '1'], { cwd: work.dir, env });
    try {
      for (let i = 0; i < 200; i++) {
        const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM tds_sync_queue WHERE status IN ('pending', 'processing')`);
        if (rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      results.push(await worker.stop('SIGTERM'));
    }
    expect((await storedProducts(db)).find((p) => p.zoho_item_id === ID.nameless)).toMatchObject({ name: 'Named at last', deleted: false });
    const open = await json<DeadLetter[]>(['dlq', 'list']);
    expect(open.filter((l) => l.entity_type === 'products' && l.zoho_id === ID.nameless)).toEqual([]);

    const invoice = open.find((l) => l.entity_type === 'invoices' && l.zoho_id === ID.badTotalInvoice)!;
    expect(await json(['dlq', 'resolve', String(invoice.id), '--note', 'total fixed by hand in the ERP'])).toMatchObject({ resolved: true });
    await json(['sync', 'invoices', '--full']);
    expect((await json<DeadLetter[]>(['dlq', 'list'])).filter((l) => l.zoho_id === ID.badTotalInvoice)).toEqual([]);
  });

  it('health, report and token status read the state without printing a token', async () => {
    const health = await json<{ status: string; last_sync_timestamps: Record<string, string | null>; organization_id: string; success_metrics: { reliability_percent: number | null } }>(['health']);
    expect(['healthy', 'warning', 'critical', 'emergency']).toContain(health.status);
    expect(health.success_metrics.reliability_percent).toBeGreaterThan(80); // a handful of invalid records among many applied
    expect(health.organization_id).toBe(fake.organizationId);
    for (const entity of ['products', 'customers', 'invoices', 'bills', 'stock', 'pricelists']) expect(health.last_sync_timestamps[entity]).toEqual(expect.any(String));
    const report = await ok(['report']);
    expect(report.stdout).toContain(fake.organizationId);
    expect(typeof (await json<object>(['report']))).toBe('object');
    expect(await json(['token', 'status'])).toMatchObject({ configured: true, hasToken: true, lastError: null });
    expect(await json<{ pending: number; processing: number }>(['queue', 'status'])).toMatchObject({ pending: 0, processing: 0 });
  });

  it('never wrote to Zoho, called only what Zoho serves, sent the organization everywhere, kept within the token limit, and printed no secret', () => {
    expect(fake.unserved()).toEqual([]);
    const api = fake.requests.filter((r) => r.path.startsWith('/books/') || r.path.startsWith('/inventory/'));
    expect(api.every((r) => r.method === 'GET' && r.query.organization_id === fake.organizationId)).toBe(true);
    expect(api.filter((r) => r.path === '/books/v3/items' && r.query.filter_by !== 'Status.All')).toEqual([]);
    expect(fake.mints()).toBeLessThanOrEqual(3);
    const secrets = [fake.credentials.clientSecret, fake.credentials.refreshToken];
    for (const result of results) for (const secret of secrets) expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
    expect(results.every((r) => !/1000\.[0-9a-f]{32}\.[0-9a-f]{32}/.test(`${r.stdout}${r.stderr}`))).toBe(true);
  });
});
