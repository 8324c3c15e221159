import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZohoSandbox, type ZohoSandbox } from '../src';
import { accessToken, apiGet, manualClock, SMALL_CATALOGUE } from './sandbox-helpers';

const ZOHO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0300$/;

describe('sandbox API (Books v3 + Inventory v1)', () => {
  const clock = manualClock();
  let sandbox: ZohoSandbox;
  let token: string;

  beforeAll(async () => {
    sandbox = await startZohoSandbox({ seed: 'api', ...SMALL_CATALOGUE, items: 450, clock: clock.now, requestsPerMinute: 10_000 });
    token = await accessToken(sandbox);
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('requires the Zoho-oauthtoken header (401, code 57) and a known token (401, code 14)', async () => {
    const missing = await apiGet(sandbox, undefined, '/books/v3/items');
    expect(missing.status).toBe(401);
    expect(missing.json.code).toBe(57);
    const bearer = await apiGet(sandbox, undefined, '/books/v3/items', {}, { headers: { authorization: `Bearer ${token}` } });
    expect(bearer.status).toBe(401);
    const unknown = await apiGet(sandbox, '1000.not.a-token', '/inventory/v1/items');
    expect(unknown.status).toBe(401);
    expect(unknown.json).toEqual({ code: 14, message: 'Invalid OAuth token' });
  });

  it('requires the right organization_id', async () => {
    const missing = await apiGet(sandbox, token, '/books/v3/items', { organization_id: undefined });
    expect(missing.status).toBe(400);
    expect(missing.json.code).toBe(6041);
    const wrong = await apiGet(sandbox, token, '/books/v3/items', { organization_id: '999' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.code).toBe(6041);
    // Listing organizations is the one call that needs no organization_id.
    const orgs = await apiGet(sandbox, token, '/books/v3/organizations', { organization_id: undefined });
    expect(orgs.status).toBe(200);
    expect(orgs.json.organizations[0].organization_id).toBe(sandbox.organizationId);
  });

  it('refuses every write with 405 (the sandbox is read-only)', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const answer = await apiGet(sandbox, token, '/books/v3/items', {}, { method, body: method === 'DELETE' ? undefined : '{"name":"x"}' });
      expect(answer.status).toBe(405);
      expect(answer.json.code).not.toBe(0);
    }
    expect(sandbox.store.count('item')).toBe(450);
  });

  it('pages Inventory items 200 at a time with has_more_page, over every item exactly once', async () => {
    const seen: string[] = [];
    const contexts: { page: number; per_page: number; has_more_page: boolean }[] = [];
    for (let page = 1; ; page++) {
      const answer = await apiGet(sandbox, token, '/inventory/v1/items', { page: String(page) });
      expect(answer.status).toBe(200);
      expect(answer.json.code).toBe(0);
      expect(answer.json.message).toBe('success');
      seen.push(...answer.json.items.map((i: { item_id: string }) => i.item_id));
      contexts.push(answer.json.page_context);
      if (!answer.json.page_context.has_more_page) break;
    }
    expect(contexts.map((c) => [c.page, c.per_page, c.has_more_page])).toEqual([
      [1, 200, true],
      [2, 200, true],
      [3, 200, false],
    ]);
    expect(seen).toHaveLength(450);
    expect(new Set(seen)).toEqual(new Set(sandbox.store.idsOf('item')));
    expect(seen.every((id) => /^\d{19}$/.test(id))).toBe(true);
  });

  it('caps per_page at 200 and rejects a malformed page', async () => {
    const big = await apiGet(sandbox, token, '/inventory/v1/items', { per_page: '1000' });
    expect(big.json.page_context.per_page).toBe(200);
    expect(big.json.items).toHaveLength(200);
    const bad = await apiGet(sandbox, token, '/inventory/v1/items', { page: 'two' });
    expect(bad.status).toBe(400);
  });

  it('lists only active items on Books unless filter_by=Status.All; Inventory lists all', async () => {
    const truth = sandbox.store.items.list();
    const active = truth.filter((i) => i.status === 'active').length;
    expect(active).toBeLessThan(truth.length);
    const count = async (path: string, params: Record<string, string> = {}) => {
      let total = 0;
      const statuses = new Set<string>();
      for (let page = 1; ; page++) {
        const answer = await apiGet(sandbox, token, path, { ...params, page: String(page) });
        total += answer.json.items.length;
        for (const item of answer.json.items) statuses.add(item.status);
        if (!answer.json.page_context.has_more_page) return { total, statuses };
      }
    };
    expect(await count('/books/v3/items')).toEqual({ total: active, statuses: new Set(['active']) });
    expect((await count('/books/v3/items', { filter_by: 'Status.All' })).total).toBe(truth.length);
    expect((await count('/inventory/v1/items')).total).toBe(truth.length);
    expect((await count('/books/v3/items', { filter_by: 'Status.Inactive' })).total).toBe(truth.length - active);
  });

  it('lists every contact on Books by default, or only active ones when booksContactsActiveOnly is on', async () => {
    sandbox.store.update('contact', sandbox.store.idsOf('contact')[0]!, { status: 'inactive' });
    const truth = sandbox.store.contacts.list();
    const active = truth.filter((c) => c.status === 'active');
    expect(active.length).toBeLessThan(truth.length);
    const ids = async (params: Record<string, string> = {}) =>
      (await apiGet(sandbox, token, '/books/v3/contacts', params)).json.contacts.map((c: { contact_id: string }) => c.contact_id).sort();
    expect(await ids()).toEqual(truth.map((c) => c.contact_id).sort());
    expect(await ids({ contact_type: 'vendor' })).toEqual(truth.filter((c) => c.contact_type === 'vendor').map((c) => c.contact_id).sort());
    sandbox.settings.booksContactsActiveOnly = true;
    try {
      expect(await ids()).toEqual(active.map((c) => c.contact_id).sort());
      expect(await ids({ filter_by: 'Status.All' })).toEqual(truth.map((c) => c.contact_id).sort());
    } finally {
      sandbox.settings.booksContactsActiveOnly = false;
    }
  });

  it('filters last_modified_time strictly after the given instant, in Zoho format', async () => {
    const truth = [...sandbox.store.items.list()].sort((a, b) => a.last_modified_time - b.last_modified_time || (a.item_id < b.item_id ? -1 : 1));
    const pivot = truth[Math.floor(truth.length / 2)]!;
    const all = await apiGet(sandbox, token, '/inventory/v1/items', { per_page: '200' });
    for (const row of all.json.items) {
      expect(row.last_modified_time).toMatch(ZOHO_TIME);
      expect(row.created_time).toMatch(ZOHO_TIME);
    }

    const pivotText = (await apiGet(sandbox, token, `/inventory/v1/items/${pivot.item_id}`)).json.item.last_modified_time;
    expect(pivotText).toMatch(ZOHO_TIME);
    const ids: string[] = [];
    for (let page = 1; ; page++) {
      const answer = await apiGet(sandbox, token, '/inventory/v1/items', { last_modified_time: pivotText, sort_column: 'last_modified_time', page: String(page) });
      expect(answer.status).toBe(200);
      ids.push(...answer.json.items.map((i: { item_id: string }) => i.item_id));
      if (!answer.json.page_context.has_more_page) break;
    }
    const expected = truth.filter((i) => i.last_modified_time > pivot.last_modified_time).map((i) => i.item_id);
    expect(ids).toEqual(expected);
    expect(ids).not.toContain(pivot.item_id);

    // The same instant written with a colon in the offset or in UTC means the same thing.
    const utc = new Date(pivot.last_modified_time).toISOString().replace('.000Z', 'Z');
    const again = await apiGet(sandbox, token, '/inventory/v1/items', { last_modified_time: utc, per_page: '200' });
    expect(again.json.items.every((i: { item_id: string }) => expected.includes(i.item_id))).toBe(true);

    const bad = await apiGet(sandbox, token, '/inventory/v1/items', { last_modified_time: 'last tuesday' });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe(2);
  });

  it('sorts by sort_column/sort_order, and refuses last_modified_time as a sort column on Books invoices', async () => {
    const desc = await apiGet(sandbox, token, '/books/v3/contacts', { filter_by: 'Status.All', sort_column: 'last_modified_time', sort_order: 'D' });
    const times = desc.json.contacts.map((c: { contact_id: string }) => sandbox.store.contacts.get(c.contact_id)!.last_modified_time);
    expect(times).toEqual([...times].sort((a: number, b: number) => b - a));
    expect(desc.json.page_context).toMatchObject({ sort_column: 'last_modified_time', sort_order: 'D' });
    const refused = await apiGet(sandbox, token, '/books/v3/invoices', { sort_column: 'last_modified_time' });
    expect(refused.status).toBe(400);
    const inventory = await apiGet(sandbox, token, '/inventory/v1/invoices', { sort_column: 'last_modified_time' });
    expect(inventory.status).toBe(200);
  });

  it('lists invoice and bill rows without line_items, sub_total or tax_total; the detail call has them', async () => {
    for (const [path, key, idKey] of [['/books/v3/invoices', 'invoices', 'invoice_id'], ['/books/v3/bills', 'bills', 'bill_id']] as const) {
      const list = await apiGet(sandbox, token, path);
      expect(list.json[key].length).toBeGreaterThan(0);
      for (const row of list.json[key]) {
        expect(row).not.toHaveProperty('line_items');
        expect(row).not.toHaveProperty('sub_total');
        expect(row).not.toHaveProperty('tax_total');
        expect(row).toHaveProperty('total');
      }
      const id = list.json[key][0][idKey];
      const detail = await apiGet(sandbox, token, `${path}/${id}`);
      const doc = detail.json[key.slice(0, -1)];
      expect(doc[idKey]).toBe(id);
      expect(doc.line_items.length).toBeGreaterThan(0);
      expect(doc).toHaveProperty('sub_total');
      expect(doc).toHaveProperty('tax_total');
      for (const line of doc.line_items) {
        expect(Object.keys(line)).toEqual(expect.arrayContaining(['line_item_id', 'item_id', 'name', 'quantity', 'rate', 'discount', 'item_total', 'location_id']));
      }
    }
  });

  it('returns up to 100 full items from Inventory itemdetails, and refuses more', async () => {
    const ids = sandbox.store.idsOf('item').slice(0, 100);
    const answer = await apiGet(sandbox, token, '/inventory/v1/itemdetails', { item_ids: ids.join(',') });
    expect(answer.status).toBe(200);
    expect(answer.json.items.map((i: { item_id: string }) => i.item_id)).toEqual(ids);
    const goods = answer.json.items.find((i: { product_type: string }) => i.product_type === 'goods');
    expect(goods.locations).toHaveLength(3);
    expect(Object.keys(goods.locations[0])).toEqual(
      expect.arrayContaining(['location_id', 'location_name', 'location_stock_on_hand', 'location_available_stock', 'location_actual_available_stock']),
    );
    const tooMany = await apiGet(sandbox, token, '/inventory/v1/itemdetails', { item_ids: sandbox.store.idsOf('item').slice(0, 101).join(',') });
    expect(tooMany.status).toBe(400);
    const onBooks = await apiGet(sandbox, token, '/books/v3/itemdetails', { item_ids: ids[0] });
    expect(onBooks.status).toBe(404);
  });

  it('serves the same ids on Books and Inventory, and 404 (code 1002) for unknown or deleted records', async () => {
    const id = sandbox.store.idsOf('contact')[0]!;
    const books = await apiGet(sandbox, token, `/books/v3/contacts/${id}`);
    const inventory = await apiGet(sandbox, token, `/inventory/v1/contacts/${id}`);
    expect(books.json.contact).toEqual(inventory.json.contact);
    const unknown = await apiGet(sandbox, token, '/books/v3/items/2163580000000000001');
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe(1002);

    const invoiceId = sandbox.store.idsOf('invoice').at(-1)!;
    expect((await apiGet(sandbox, token, `/books/v3/invoices/${invoiceId}`)).status).toBe(200);
    sandbox.store.delete('invoice', invoiceId);
    const gone = await apiGet(sandbox, token, `/books/v3/invoices/${invoiceId}`);
    expect(gone.status).toBe(404);
    expect(gone.json.code).toBe(1002);
    const list = await apiGet(sandbox, token, '/books/v3/invoices');
    expect(list.json.invoices.map((i: { invoice_id: string }) => i.invoice_id)).not.toContain(invoiceId);
  });

  it('shows a mutation in last_modified_time: only the changed records are newer than the old maximum', async () => {
    const before = Math.max(...sandbox.store.items.list().map((i) => i.last_modified_time));
    const cursor = (await apiGet(sandbox, token, `/inventory/v1/items/${sandbox.store.items.list().find((i) => i.last_modified_time === before)!.item_id}`)).json.item.last_modified_time;
    clock.advance(60_000);
    const changes = sandbox.store.mutate({ count: 6, entities: ['item'] });
    const changed = new Set(changes.map((c) => c.id));
    const answer = await apiGet(sandbox, token, '/inventory/v1/items', { last_modified_time: cursor });
    expect(new Set(answer.json.items.map((i: { item_id: string }) => i.item_id))).toEqual(changed);
    for (const item of answer.json.items) expect(item.last_modified_time > cursor).toBe(true);
  });

  it('answers price books (list without items, detail with pricebook_items), locations, warehouses and the minor lists', async () => {
    const books = await apiGet(sandbox, token, '/books/v3/pricebooks');
    const names = books.json.pricebooks.map((b: { name: string }) => b.name);
    expect(names).toEqual(expect.arrayContaining(['Consumer Price List', 'Wholesale Price List']));
    expect(books.json.pricebooks.map((b: { pricebook_type: string }) => b.pricebook_type)).toContain('fixed_percentage');
    for (const book of books.json.pricebooks) {
      expect(book).not.toHaveProperty('pricebook_items');
      expect(book).not.toHaveProperty('last_modified_time');
    }
    const consumer = books.json.pricebooks.find((b: { name: string }) => b.name === 'Consumer Price List');
    const detail = await apiGet(sandbox, token, `/books/v3/pricebooks/${consumer.pricebook_id}`);
    const rates = detail.json.pricebook.pricebook_items;
    expect(rates.length).toBeGreaterThan(0);
    expect(rates.length).toBeLessThan(sandbox.store.count('item'));
    expect(Object.keys(rates[0])).toEqual(expect.arrayContaining(['item_id', 'pricebook_rate', 'price_brackets']));

    const locations = await apiGet(sandbox, token, '/inventory/v1/locations');
    expect(locations.json.locations).toHaveLength(3);
    expect(locations.json.locations.filter((l: { is_primary_location: boolean }) => l.is_primary_location)).toHaveLength(1);
    const warehouses = await apiGet(sandbox, token, '/inventory/v1/settings/warehouses');
    expect(warehouses.json.warehouses.map((w: { warehouse_id: string }) => w.warehouse_id)).toEqual(locations.json.locations.map((l: { location_id: string }) => l.location_id));

    for (const [path, key] of [
      ['/inventory/v1/inventoryadjustments', 'inventory_adjustments'],
      ['/inventory/v1/transferorders', 'transfer_orders'],
      ['/inventory/v1/compositeitems', 'composite_items'],
      ['/books/v3/creditnotes', 'creditnotes'],
      ['/books/v3/customerpayments', 'customerpayments'],
      ['/books/v3/salesorders', 'salesorders'],
      ['/books/v3/purchaseorders', 'purchaseorders'],
    ] as const) {
      const answer = await apiGet(sandbox, token, path);
      expect(answer.status, path).toBe(200);
      expect(Array.isArray(answer.json[key]), path).toBe(true);
      expect(answer.json.page_context.has_more_page).toBe(false);
    }
  });

  it('renders numbers like Zoho: mostly JSON numbers, some numeric strings, "" for empty optional ones', async () => {
    const rows: Record<string, unknown>[] = [];
    for (let page = 1; ; page++) {
      const answer = await apiGet(sandbox, token, '/inventory/v1/items', { page: String(page) });
      rows.push(...answer.json.items);
      if (!answer.json.page_context.has_more_page) break;
    }
    const rates = rows.map((r) => r.rate);
    expect(rates.filter((r) => typeof r === 'number').length).toBeGreaterThan(rows.length / 2);
    expect(rates.some((r) => typeof r === 'string' && /^\d+\.\d{2}$/.test(r))).toBe(true);
    expect(rows.some((r) => r.purchase_rate === '')).toBe(true);
    for (const row of rows) {
      const truth = sandbox.store.items.get(row.item_id as string)!;
      expect(String(row.rate === '' ? '' : Number(row.rate))).toBe(String(Number(truth.rate)));
    }
  });

  it('renders legacy warehouses[] on items when told to', async () => {
    const id = sandbox.store.items.list().find((i) => i.product_type === 'goods')!.item_id;
    sandbox.settings.legacyWarehouses = true;
    try {
      const item = (await apiGet(sandbox, token, `/inventory/v1/items/${id}`)).json.item;
      expect(item).not.toHaveProperty('locations');
      expect(Object.keys(item.warehouses[0])).toEqual(expect.arrayContaining(['warehouse_id', 'warehouse_name', 'warehouse_stock_on_hand']));
    } finally {
      sandbox.settings.legacyWarehouses = false;
    }
  });
});
