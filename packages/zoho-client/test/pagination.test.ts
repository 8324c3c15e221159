import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ZohoValidationError } from '../src';
import { BOOKS, INVENTORY, ORG, caught, collect, makeClient, ok, server, tokenEndpoint, useMsw } from './helpers';

useMsw();

function item(id: number, extra: Record<string, unknown> = {}) {
  return { item_id: String(4815000000000000000n + BigInt(id)), name: `Item ${id}`, rate: '1000.50', ...extra };
}

describe('pagination', () => {
  it('iterates every record over 3+ pages, 200 per page, one request per page', async () => {
    const pages: Array<Record<string, string>> = [];
    server.use(
      tokenEndpoint().handler,
      http.get(`${INVENTORY}/items`, ({ request }) => {
        const query = Object.fromEntries(new URL(request.url).searchParams);
        pages.push(query);
        const page = Number(query.page);
        const size = page < 4 ? 200 : 37;
        const rows = Array.from({ length: size }, (_, i) => item((page - 1) * 200 + i));
        return ok({ items: rows, page_context: { page, per_page: 200, has_more_page: page < 4 } });
      }),
    );
    const client = makeClient();
    const ids = (await collect(client.inventory.items.iterate())).map((i) => i.item_id);
    expect(ids).toHaveLength(637);
    expect(new Set(ids).size).toBe(637);
    expect(pages.map((q) => q.page)).toEqual(['1', '2', '3', '4']);
    expect(pages.every((q) => q.per_page === '200' && q.organization_id === ORG)).toBe(true);
  });

  it('pages() yields page, hasMore and the parsed records of each page', async () => {
    server.use(
      tokenEndpoint().handler,
      http.get(`${BOOKS}/contacts`, ({ request }) => {
        const page = Number(new URL(request.url).searchParams.get('page'));
        return ok({
          contacts: [{ contact_id: `c${page}`, contact_name: `Customer ${page}`, outstanding_receivable_amount: '' }],
          page_context: { page, per_page: 1, has_more_page: page < 3 },
        });
      }),
    );
    const client = makeClient();
    const pages = await collect(client.books.contacts.pages({ perPage: 1 }));
    expect(pages.map((p) => [p.page, p.hasMore, p.records.map((r) => r.contact_id)])).toEqual([
      [1, true, ['c1']],
      [2, true, ['c2']],
      [3, false, ['c3']],
    ]);
    expect(pages[0]!.records[0]!.outstanding_receivable_amount).toBeNull();
  });

  it('sends last_modified_time as YYYY-MM-DDTHH:MM:SS+0000 with the sort params', async () => {
    let query: URLSearchParams | undefined;
    server.use(
      tokenEndpoint().handler,
      http.get(`${BOOKS}/invoices`, ({ request }) => {
        query = new URL(request.url).searchParams;
        return ok({ invoices: [], page_context: { page: 1, per_page: 200, has_more_page: false } });
      }),
    );
    const client = makeClient();
    await client.books.invoices.list({
      lastModifiedTime: new Date('2025-06-03T11:22:47.123Z'),
      sortColumn: 'last_modified_time',
      sortOrder: 'A',
      query: { status: 'paid' },
    });
    expect(query?.get('last_modified_time')).toBe('2025-06-03T11:22:47+0000');
    expect(query?.get('sort_column')).toBe('last_modified_time');
    expect(query?.get('sort_order')).toBe('A');
    expect(query?.get('status')).toBe('paid');
    expect(query?.get('organization_id')).toBe(ORG);
  });

  it('Books and Inventory items default to filter_by=Status.All (inactive items too); callers may override', async () => {
    const filters: Array<string | null> = [];
    server.use(
      tokenEndpoint().handler,
      http.get(`${BOOKS}/items`, ({ request }) => {
        filters.push(new URL(request.url).searchParams.get('filter_by'));
        return ok({ items: [item(1, { status: 'inactive' })], page_context: { page: 1, per_page: 200, has_more_page: false } });
      }),
      http.get(`${INVENTORY}/items`, ({ request }) => {
        filters.push(`inventory:${new URL(request.url).searchParams.get('filter_by')}`);
        return ok({ items: [], page_context: { page: 1, per_page: 200, has_more_page: false } });
      }),
    );
    const client = makeClient();
    const all = await collect(client.books.items.iterate());
    await client.books.items.list({ filterBy: 'Status.Active' });
    await client.inventory.items.list();
    expect(all[0]!.status).toBe('inactive');
    expect(filters).toEqual(['Status.All', 'Status.Active', 'inventory:Status.All']);
  });

  it('an invalid record does not lose the rest of its page; it is reported with its raw data', async () => {
    const bad = { item_id: '99', name: 'Broken', rate: 'twelve' };
    server.use(
      tokenEndpoint().handler,
      http.get(`${INVENTORY}/items`, ({ request }) => {
        const page = Number(new URL(request.url).searchParams.get('page'));
        const items = page === 1 ? [item(1), bad, item(2)] : [item(3)];
        return ok({ items, page_context: { page, per_page: 200, has_more_page: page < 2 } });
      }),
    );
    const client = makeClient();
    const first = await client.inventory.items.list();
    expect(first.records.map((r) => r.name)).toEqual(['Item 1', 'Item 2']);
    expect(first.invalid).toHaveLength(1);
    expect(first.invalid[0]).toBeInstanceOf(ZohoValidationError);
    expect(first.invalid[0]!.recordId).toBe('99');
    expect(first.invalid[0]!.raw).toEqual(bad);
    expect(first.invalid[0]!.issues.map((i) => i.path)).toEqual(['rate']);

    const deadLettered: ZohoValidationError[] = [];
    const names = (await collect(client.inventory.items.iterate({}, { onInvalid: (e) => void deadLettered.push(e) }))).map((r) => r.name);
    expect(names).toEqual(['Item 1', 'Item 2', 'Item 3']);
    expect(deadLettered.map((e) => e.recordId)).toEqual(['99']);

    // Without onInvalid nothing is dropped silently: the invalid record surfaces as an error.
    expect(await caught(collect(client.inventory.items.iterate()))).toBeInstanceOf(ZohoValidationError);
  });

  it('get(id) parses the detail record and throws ZohoValidationError when it does not fit', async () => {
    server.use(
      tokenEndpoint().handler,
      http.get(`${BOOKS}/invoices/:id`, ({ params }) =>
        params.id === '1'
          ? ok({ invoice: { invoice_id: '1', total: '1250000000.000', line_items: [{ line_item_id: 'l1', quantity: '2', rate: 3, item_total: '6' }] } })
          : ok({ invoice: { invoice_id: params.id, total: {} } }),
      ),
    );
    const client = makeClient();
    const invoice = await client.books.invoices.get('1');
    expect(invoice.total).toBe('1250000000.000');
    expect(invoice.line_items?.[0]).toMatchObject({ quantity: '2', rate: '3', item_total: '6' });
    const error = await caught(client.books.invoices.get('2'));
    expect(error).toBeInstanceOf(ZohoValidationError);
    expect((error as ZohoValidationError).recordId).toBe('2');
  });

  it('accepts "" and numeric strings as exact decimals, never floats', async () => {
    server.use(
      tokenEndpoint().handler,
      http.get(`${BOOKS}/bills`, () =>
        ok({
          bills: [{ bill_id: 'b1', total: '0.10', sub_total: 0.1, tax_total: '', balance: '1250000000.005' }],
          page_context: { page: 1, per_page: 200, has_more_page: false },
        }),
      ),
    );
    const [bill] = (await makeClient().books.bills.list()).records;
    expect(bill).toMatchObject({ total: '0.10', sub_total: '0.1', tax_total: null, balance: '1250000000.005' });
  });

  it('rejects a page size over 200 before calling Zoho', async () => {
    const client = makeClient();
    expect(await caught(client.books.items.list({ perPage: 500 }))).toBeInstanceOf(RangeError);
  });

  it('itemDetails batches ids 100 per request', async () => {
    const batches: string[][] = [];
    server.use(
      tokenEndpoint().handler,
      http.get(`${INVENTORY}/itemdetails`, ({ request }) => {
        const ids = new URL(request.url).searchParams.get('item_ids')!.split(',');
        batches.push(ids);
        return ok({ items: ids.map((id) => ({ item_id: id, name: `n${id}`, locations: [{ location_id: 'L1', location_stock_on_hand: '4' }] })) });
      }),
    );
    const ids = Array.from({ length: 250 }, (_, i) => String(1000 + i));
    const { records, invalid } = await makeClient().inventory.itemDetails.list(ids);
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(records.map((r) => r.item_id)).toEqual(ids);
    expect(records[0]!.locations?.[0]?.location_stock_on_hand).toBe('4');
    expect(invalid).toEqual([]);
  });

  it('serves the other resources at their Zoho paths', async () => {
    const record = (path: string, key: string) =>
      http.get(path, () => ok({ [key]: [], page_context: { page: 1, per_page: 200, has_more_page: false } }));
    server.use(
      tokenEndpoint().handler,
      record(`${BOOKS}/creditnotes`, 'creditnotes'),
      record(`${BOOKS}/customerpayments`, 'customerpayments'),
      record(`${BOOKS}/salesorders`, 'salesorders'),
      record(`${BOOKS}/purchaseorders`, 'purchaseorders'),
      record(`${BOOKS}/pricebooks`, 'pricebooks'),
      http.get(`${BOOKS}/organizations`, () => ok({ organizations: [{ organization_id: ORG, name: 'TSH' }] })),
      record(`${INVENTORY}/compositeitems`, 'composite_items'),
      http.get(`${INVENTORY}/locations`, () => ok({ locations: [{ location_id: 'L1', location_name: 'Baghdad', is_primary_location: true }] })),
      http.get(`${INVENTORY}/settings/warehouses`, () => ok({ warehouses: [{ warehouse_id: 'W1', warehouse_name: 'Old' }] })),
      record(`${INVENTORY}/pricebooks`, 'pricebooks'),
      record(`${INVENTORY}/inventoryadjustments`, 'inventory_adjustments'),
      record(`${INVENTORY}/transferorders`, 'transfer_orders'),
    );
    const client = makeClient();
    for (const resource of [
      client.books.creditNotes,
      client.books.customerPayments,
      client.books.salesOrders,
      client.books.purchaseOrders,
      client.books.pricebooks,
      client.inventory.compositeItems,
      client.inventory.pricebooks,
      client.inventory.inventoryAdjustments,
      client.inventory.transferOrders,
    ]) {
      expect((await resource.list()).records).toEqual([]);
    }
    const orgs = await client.books.organizations.list();
    expect(orgs).toMatchObject({ hasMore: false, pageContext: null, records: [{ organization_id: ORG, name: 'TSH' }] });
    expect((await client.inventory.locations.list()).records[0]).toMatchObject({ location_name: 'Baghdad', is_primary_location: true });
    expect((await client.inventory.warehouses.list()).records[0]).toMatchObject({ warehouse_id: 'W1' });
  });
});
