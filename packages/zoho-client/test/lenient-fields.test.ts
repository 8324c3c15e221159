import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ZohoValidationError } from '../src';
import { invoiceSchema, itemSchema, parseRecord, pricebookSchema, zohoBoolean } from '../src/internal';
import { BOOKS, INVENTORY, caught, collect, makeClient, ok, server, tokenEndpoint, useMsw } from './helpers';

// The real Zoho sends one field name with several types (`is_fulfillable` false on an item, 0 on a
// sales-order line; `fiscal_year_start_month` "1" in Books, 0 in Inventory; "true" for true; a bills
// list once carried the bill id in `is_opening_balance`). A field TDS does not store must never
// refuse a record; a bad value in a field that feeds a stored column still must, naming the field.
// Records go through the paths the sync uses: list pages, detail GETs and parseRecord (which the
// webhook worker's parseWebhookRecord calls).

useMsw();

const ID = (n: number) => String(4600000000000000000n + BigInt(n));
const TS = '2026-06-09T10:00:00+0300';

/** Serves one list (and the detail GET of each of its records) and returns the parsed records of its first page. */
async function listed(base: string, path: string, listKey: string, rows: Array<Record<string, unknown>>) {
  server.use(tokenEndpoint().handler, http.get(`${base}${path}`, () => ok({ [listKey]: rows, page_context: { page: 1, per_page: 200, has_more_page: false } })));
  return makeClient();
}

describe('zohoBoolean', () => {
  it.each([
    [true, true],
    [false, false],
    [1, true],
    [0, false],
    ['true', true],
    ['false', false],
    [' TRUE ', true],
    ['False', false],
    ['1', true],
    ['0', false],
    [null, null],
    ['', null],
    [undefined, null],
  ])('reads %j as %j', (input, expected) => {
    expect(zohoBoolean.parse(input)).toBe(expected);
  });

  it.each([['maybe'], [2], ['yes'], [{}], [[]]])('refuses %j', (input) => {
    expect(zohoBoolean.safeParse(input).success).toBe(false);
  });
});

describe('fields TDS does not store never refuse a record', () => {
  it('a Books items page: custom_field_hash [], odd purchase_rate, unit, brand, created_time and is_fulfillable false', async () => {
    const client = await listed(BOOKS, '/items', 'items', [
      {
        item_id: ID(1),
        name: 'Tea',
        rate: '360.00',
        stock_on_hand: '5.000000',
        custom_field_hash: [],
        purchase_rate: 'N/A',
        unit: { name: 'box' },
        brand: ['x'],
        created_time: '09 Jun 2026',
        available_stock: 'lots',
        is_fulfillable: false,
        last_modified_time: TS,
      },
      {
        item_id: ID(2),
        name: 'Coffee',
        rate: 1250,
        custom_fields: [
          'not an object',
          { customfield_id: { odd: true }, label: ['L'], api_name: 'cf_other', value: { a: 1 } },
          { customfield_id: '7', label: 'Arabic Name', api_name: 'cf_name_ar', value: 'قهوة' },
        ],
        custom_field_hash: 'odd',
        is_fulfillable: 0,
        last_modified_time: TS,
      },
    ]);
    const [tea, coffee] = await collect(client.books.items.iterate());
    expect(tea).toMatchObject({ item_id: ID(1), name: 'Tea', rate: '360.00', stock_on_hand: '5.000000', custom_field_hash: {}, last_modified_time: '2026-06-09T10:00:00+03:00' });
    expect(tea!.purchase_rate).toBeUndefined();
    expect(tea!.unit).toBeUndefined();
    expect(tea!.brand).toBeUndefined();
    expect(tea!.created_time).toBeUndefined();
    expect(tea!.available_stock).toBeUndefined();
    expect(tea!.is_fulfillable).toBe(false);
    // The Arabic-name entry is kept; an entry that is not an object is dropped, an odd one kept with its odd parts left out.
    expect(coffee!.rate).toBe('1250');
    expect(coffee!.custom_fields).toEqual([
      { api_name: 'cf_other', value: { a: 1 } },
      { customfield_id: '7', label: 'Arabic Name', api_name: 'cf_name_ar', value: 'قهوة' },
    ]);
    expect(coffee!.custom_field_hash).toBeUndefined();
  });

  it('a contacts page: outstanding_payable_amount "N/A" and a bad created_time', async () => {
    const client = await listed(BOOKS, '/contacts', 'contacts', [
      {
        contact_id: ID(3),
        contact_name: 'A',
        contact_type: 'customer',
        outstanding_receivable_amount: '1500.50',
        outstanding_payable_amount: 'N/A',
        created_time: 'yesterday',
        last_modified_time: TS,
      },
    ]);
    const [contact] = await collect(client.books.contacts.iterate());
    expect(contact).toMatchObject({ contact_id: ID(3), contact_type: 'customer', outstanding_receivable_amount: '1500.50' });
    expect(contact!.outstanding_payable_amount).toBeUndefined();
  });

  it('a bills list row with is_opening_balance holding the bill id and exchange_rate ""', async () => {
    const client = await listed(BOOKS, '/bills', 'bills', [
      { bill_id: ID(4), bill_number: 'B-1', is_opening_balance: ID(4), due_days: 'Due in 3 days', exchange_rate: '', total: '99.990', last_modified_time: TS },
    ]);
    const [bill] = await collect(client.books.bills.iterate());
    expect(bill).toMatchObject({ bill_id: ID(4), bill_number: 'B-1', is_opening_balance: ID(4), total: '99.990' });
    expect(bill!.exchange_rate).toBeNull(); // "" is "no value", as everywhere
  });

  it('an invoice detail: a line discount "10.00%", odd tax_id / location_id, exchange_rate "abc", created_time 0', async () => {
    server.use(
      tokenEndpoint().handler,
      http.get(`${BOOKS}/invoices/${ID(5)}`, () =>
        ok({
          invoice: {
            invoice_id: ID(5),
            invoice_number: 'INV-1',
            exchange_rate: 'abc',
            created_time: 0,
            total: '324.00',
            line_items: [{ line_item_id: ID(6), item_id: ID(1), quantity: '1.000000', rate: '360.00', item_total: '324.00', discount: '10.00%', tax_id: {}, location_id: [1] }],
            last_modified_time: TS,
          },
        }),
      ),
    );
    const invoice = await makeClient().books.invoices.get(ID(5));
    expect(invoice).toMatchObject({ invoice_id: ID(5), total: '324.00' });
    expect(invoice.exchange_rate).toBeUndefined();
    expect(invoice.created_time).toBeUndefined();
    expect(invoice.line_items).toHaveLength(1);
    expect(invoice.line_items![0]).toMatchObject({ line_item_id: ID(6), item_id: ID(1), quantity: '1.000000', rate: '360.00', item_total: '324.00' });
    expect(invoice.line_items![0]!.discount).toBeUndefined();
    expect(invoice.line_items![0]!.tax_id).toBeUndefined();
    expect(invoice.line_items![0]!.location_id).toBeUndefined();
  });

  it('a sales order whose line has is_fulfillable 0 and stock_on_hand "" (not stored at all)', async () => {
    const client = await listed(BOOKS, '/salesorders', 'salesorders', [
      { salesorder_id: ID(7), delivery_date: '', date: '9 June', total: 'n/a', line_items: [{ line_item_id: ID(8), is_fulfillable: 0, stock_on_hand: '', discount: '5%' }], last_modified_time: TS },
    ]);
    const [order] = await collect(client.books.salesOrders.iterate());
    expect(order).toMatchObject({ salesorder_id: ID(7) });
    expect(order!.date).toBeUndefined();
    expect(order!.total).toBeUndefined();
    expect(order!.line_items![0]).toMatchObject({ line_item_id: ID(8), is_fulfillable: 0 });
  });

  it('organizations: fiscal_year_start_month "1" (Books) and 0 (Inventory)', async () => {
    server.use(
      tokenEndpoint().handler,
      http.get(`${BOOKS}/organizations`, () => ok({ organizations: [{ organization_id: '60000000001', name: 'TSH', fiscal_year_start_month: '1', time_zone: { odd: 1 } }] })),
      http.get(`${INVENTORY}/organizations`, () => ok({ organizations: [{ organization_id: 60000000001, name: 'TSH', fiscal_year_start_month: 0 }] })),
    );
    const client = makeClient();
    const [books] = await collect(client.books.organizations.iterate());
    const [inventory] = await collect(client.inventory.organizations.iterate());
    expect(books).toMatchObject({ organization_id: '60000000001', name: 'TSH', fiscal_year_start_month: '1' });
    expect(books!.time_zone).toBeUndefined();
    expect(inventory).toMatchObject({ organization_id: '60000000001', fiscal_year_start_month: 0 });
  });

  it('locations with is_primary_location 1 and is_location_active "true"', async () => {
    const client = await listed(INVENTORY, '/locations', 'locations', [{ location_id: ID(9), location_name: 'Baghdad', is_primary_location: 1, is_location_active: 'true' }]);
    const [location] = await collect(client.inventory.locations.iterate());
    expect(location).toMatchObject({ location_id: ID(9), is_primary_location: true, is_location_active: true });
  });

  it('a price book entry with malformed price_brackets', () => {
    const book = parseRecord(pricebookSchema, 'pricebook', 'pricebook_id', {
      pricebook_id: ID(10),
      name: 'Wholesale Price List',
      pricebook_type: 'per_item',
      pricebook_items: [{ item_id: ID(1), pricebook_rate: '300.50', price_brackets: 'none' }],
    });
    expect(book.pricebook_items).toEqual([{ item_id: ID(1), pricebook_rate: '300.50', price_brackets: undefined }]);
  });
});

describe('is_increase, a stored price-book flag, reads every spelling Zoho uses', () => {
  it.each([
    [0, false],
    ['0', false],
    [false, false],
    ['false', false],
    [1, true],
    ['1', true],
    ['true', true],
    [' True ', true],
  ])('is_increase %j → %j through the pricebooks list', async (isIncrease, expected) => {
    const client = await listed(INVENTORY, '/pricebooks', 'pricebooks', [
      { pricebook_id: ID(11), name: 'Wholesale Price List', pricebook_type: 'fixed_percentage', percentage: '10', is_increase: isIncrease },
    ]);
    const [book] = await collect(client.inventory.pricebooks.iterate());
    expect(book).toMatchObject({ pricebook_id: ID(11), percentage: '10', is_increase: expected });
  });
});

describe('a bad value in a stored field still refuses the record, naming the field', () => {
  it('an item with rate "abc" on a list page', async () => {
    const client = await listed(BOOKS, '/items', 'items', [{ item_id: ID(12), name: 'Bad', rate: 'abc', custom_field_hash: [] }]);
    const error = await caught(collect(client.books.items.iterate()));
    expect(error).toBeInstanceOf(ZohoValidationError);
    const issues = (error as ZohoValidationError).issues;
    expect(issues).toEqual([{ path: 'rate', message: 'expected a decimal number, received "abc"' }]);
    expect((error as ZohoValidationError).recordId).toBe(ID(12));
  });

  it('a price book with is_increase "maybe"', () => {
    const error = (() => {
      try {
        parseRecord(pricebookSchema, 'pricebook', 'pricebook_id', { pricebook_id: ID(13), name: 'X', is_increase: 'maybe' });
      } catch (e) {
        return e;
      }
      throw new Error('expected a refusal');
    })();
    expect(error).toBeInstanceOf(ZohoValidationError);
    expect((error as ZohoValidationError).issues).toEqual([
      { path: 'is_increase', message: 'expected a boolean (true/false, 1/0, "true"/"false" or "1"/"0"), received "maybe"' },
    ]);
  });

  it('an invoice line with quantity "two"', () => {
    const result = invoiceSchema.safeParse({ invoice_id: ID(16), line_items: [{ line_item_id: ID(14), quantity: 'two', discount: '10.00%' }] });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toEqual(['line_items.0.quantity']);
  });

  it.each([
    ['stock_on_hand "N/A"', { stock_on_hand: 'N/A' }, 'stock_on_hand'],
    ['a location stock "?"', { locations: [{ location_id: ID(9), location_stock_on_hand: '?' }] }, 'locations.0.location_stock_on_hand'],
    ['custom_fields that is not an array', { custom_fields: { cf_name_ar: 'شاي' } }, 'custom_fields'],
    ['a last_modified_time that is not a timestamp', { last_modified_time: '09 Jun 2026' }, 'last_modified_time'],
  ])('an item with %s', (_name, fields, path) => {
    const result = itemSchema.safeParse({ item_id: ID(15), name: 'Tea', ...fields });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toEqual([path]);
  });
});
