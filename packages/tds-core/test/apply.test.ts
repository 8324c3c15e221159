import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  RecordRejectedError,
  applyBill,
  applyCustomer,
  applyInvoice,
  applyPriceList,
  applyProduct,
  applyStockLevels,
  createApplyContext,
  deleteInvoice,
  deletePriceList,
  deleteProduct,
  isRetryableError,
  type ApplyContext,
} from '../src/apply';
import { databaseNow } from '../src/apply/ask-time';
import { applyingCarriedRecord, applyingFetchedRecord, DeletedRowNeedsCheckError } from '../src/apply/record-origin';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { bill, contact, invoice, item, pricebook, rawBill, rawContact, rawInvoice, rawItem, rawLine, rawPricebook, zohoId } from './apply-fixtures';

let t: TestDatabase;
let ctx: ApplyContext;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE products, categories, stock_levels, customers, invoices, invoice_lines, bills, bill_lines, price_lists, price_list_items RESTART IDENTITY CASCADE`.execute(t.db);
  ctx = createApplyContext();
});

const product = (id: string) => t.db.selectFrom('products').selectAll().where('zoho_item_id', '=', id).executeTakeFirstOrThrow();
const stockOf = (id: string) =>
  t.db.selectFrom('stock_levels').select(['zoho_location_id', 'location_name', 'stock_on_hand', 'available_stock', 'actual_available_stock']).where('zoho_item_id', '=', id).orderBy('zoho_location_id').execute();
const linesOf = (id: string) => t.db.selectFrom('invoice_lines').selectAll().where('zoho_invoice_id', '=', id).orderBy('item_order').execute();

describe('products', () => {
  it('stores an item with its category, stock per location, Arabic name and barcode', async () => {
    const raw = rawItem();
    expect(await applyProduct(t.db, item(raw), ctx)).toBe('inserted');
    const row = await product(String(raw.item_id));
    expect(row).toMatchObject({
      name: 'USB-C Cable 1m',
      name_ar: 'كابل',
      description: 'Braided cable',
      sku: 'CAB-001',
      barcode: '012345678905', // ean is blank, so upc
      available_stock: '40.00',
      unit_price: '12500',
      consumer_price: null,
      wholesale_price: null,
      is_active: true,
      zoho_category_id: '4815000000000000777',
      deleted_at: null,
    });
    expect(row.zoho_last_modified_time?.toISOString()).toBe('2025-06-03T11:22:47.000Z');
    const category = await t.db.selectFrom('categories').selectAll().executeTakeFirstOrThrow();
    expect(category).toMatchObject({ zoho_category_id: '4815000000000000777', name: 'Cables' });
    expect(row.category_id).toBe(category.id);
    expect(await stockOf(String(raw.item_id))).toEqual([
      { zoho_location_id: 'L1', location_name: 'Baghdad', stock_on_hand: '30', available_stock: '30', actual_available_stock: '28' },
      { zoho_location_id: 'L2', location_name: 'Basra', stock_on_hand: '10', available_stock: '10', actual_available_stock: '10' },
    ]);
  });

  it('falls back to the name when the Arabic field is blank, and takes ean before upc and isbn', async () => {
    const raw = rawItem({ custom_fields: [{ api_name: 'cf_name_ar', value: '   ' }], ean: '6291041500213', upc: '012345678905', isbn: '9780000000002' });
    await applyProduct(t.db, item(raw), ctx);
    const row = await product(String(raw.item_id));
    expect(row.name_ar).toBe('USB-C Cable 1m');
    expect(row.barcode).toBe('6291041500213');
    const noCodes = rawItem({ ean: '', upc: null, isbn: '9780000000002', custom_fields: [] });
    await applyProduct(t.db, item(noCodes), ctx);
    expect((await product(String(noCodes.item_id))).barcode).toBe('9780000000002');
  });

  it('keeps the newer version when an older one arrives later, and treats a duplicate as a no-op', async () => {
    const newer = rawItem({ name: 'Newer name', last_modified_time: '2025-06-03T15:00:00+0300' });
    const older = { ...newer, name: 'Older name', last_modified_time: '2025-06-03T14:00:00+0300' };
    expect(await applyProduct(t.db, item(newer), ctx)).toBe('inserted');
    const before = await product(String(newer.item_id));
    expect(await applyProduct(t.db, item(older), ctx)).toBe('stale');
    expect(await applyProduct(t.db, item(newer), ctx)).toBe('unchanged');
    const after = await product(String(newer.item_id));
    expect(after.name).toBe('Newer name');
    expect(after.updated_at).toEqual(before.updated_at);
    const newest = { ...newer, name: 'Newest name', last_modified_time: '2025-06-03T16:00:00+0300' };
    expect(await applyProduct(t.db, item(newest), ctx)).toBe('updated');
    expect((await product(String(newer.item_id))).name).toBe('Newest name');
  });

  it('soft-deletes a deleted item; a delivered copy never restores it, a record Zoho returned after the deletion does', async () => {
    const raw = rawItem();
    await applyProduct(t.db, item(raw), ctx);
    expect(await deleteProduct(t.db, String(raw.item_id), ctx)).toBe('deleted');
    let row = await product(String(raw.item_id));
    expect(row.deleted_at).toBeInstanceOf(Date);
    expect(row.is_active).toBe(false);
    expect(await deleteProduct(t.db, String(raw.item_id), ctx)).toBe('unchanged');
    // A webhook's copy proves nothing, whatever its version (it may predate the deletion): the worker
    // must ask Zoho (docs/deletions.md).
    const newer = item({ ...raw, last_modified_time: '2025-06-04T08:00:00+0300' });
    await expect(applyingCarriedRecord(() => applyProduct(t.db, item(raw), ctx))).rejects.toBeInstanceOf(DeletedRowNeedsCheckError);
    await expect(applyingCarriedRecord(() => applyProduct(t.db, newer, ctx))).rejects.toBeInstanceOf(DeletedRowNeedsCheckError);
    expect((await product(String(raw.item_id))).deleted_at).toBeInstanceOf(Date);
    expect(await applyingFetchedRecord(await databaseNow(t.db), () => applyProduct(t.db, newer, ctx))).toBe('restored');
    row = await product(String(raw.item_id));
    expect(row.deleted_at).toBeNull();
    expect(row.is_active).toBe(true);
  });

  it('restores a soft-deleted item, its stock rows included, when Zoho returns it live at the version it was deleted with', async () => {
    const raw = rawItem();
    await applyProduct(t.db, item(raw), ctx);
    expect(await deleteProduct(t.db, String(raw.item_id), ctx)).toBe('deleted');
    expect(await applyingFetchedRecord(await databaseNow(t.db), () => applyProduct(t.db, item(raw), ctx))).toBe('restored');
    const row = await product(String(raw.item_id));
    expect(row.deleted_at).toBeNull();
    expect(row.is_active).toBe(true);
    const stock = await t.db.selectFrom('stock_levels').select(['zoho_location_id', 'deleted_at']).where('zoho_item_id', '=', String(raw.item_id)).orderBy('zoho_location_id').execute();
    expect(stock).toEqual([
      { zoho_location_id: 'L1', deleted_at: null },
      { zoho_location_id: 'L2', deleted_at: null },
    ]);
    // An older live copy (a snapshot from before a later deletion) restores nothing.
    expect(await deleteProduct(t.db, String(raw.item_id), ctx)).toBe('deleted');
    expect(await applyingFetchedRecord(await databaseNow(t.db), () => applyProduct(t.db, item({ ...raw, last_modified_time: '2025-06-01T08:00:00+0300' }), ctx))).toBe('stale');
  });

  it('stores a deletion that arrives before the record, so an older version cannot resurrect it', async () => {
    const raw = rawItem();
    expect(await deleteProduct(t.db, String(raw.item_id), ctx, item(raw))).toBe('deleted');
    expect(await applyProduct(t.db, item({ ...raw, last_modified_time: '2025-06-01T08:00:00+0300' }), ctx)).toBe('stale');
    const row = await product(String(raw.item_id));
    expect(row.deleted_at).toBeInstanceOf(Date);
    expect(row.name).toBe('USB-C Cable 1m');
  });

  it('reads legacy warehouses[] and replaces the stock rows as a set', async () => {
    const raw = rawItem({
      locations: undefined,
      warehouses: [
        { warehouse_id: 'W1', warehouse_name: 'Main', warehouse_stock_on_hand: 5, warehouse_available_stock: 5, warehouse_actual_available_stock: 4 },
        { warehouse_id: 'W2', warehouse_name: 'Erbil', warehouse_stock_on_hand: '7.5', warehouse_available_stock: '7.5', warehouse_actual_available_stock: '7.5' },
      ],
    });
    await applyProduct(t.db, item(raw), ctx);
    expect((await stockOf(String(raw.item_id))).map((s) => [s.zoho_location_id, s.location_name, s.stock_on_hand])).toEqual([
      ['W1', 'Main', '5'],
      ['W2', 'Erbil', '7.5'],
    ]);
    const fewer = { ...raw, warehouses: [(raw.warehouses as unknown[])[1]], last_modified_time: '2025-06-05T08:00:00+0300' };
    await applyProduct(t.db, item(fewer), ctx);
    expect((await stockOf(String(raw.item_id))).map((s) => s.zoho_location_id)).toEqual(['W2']);
  });

  it('leaves stock rows alone when a record carries no locations (a list row)', async () => {
    const raw = rawItem();
    await applyProduct(t.db, item(raw), ctx);
    await applyProduct(t.db, item({ ...raw, locations: undefined, stock_on_hand: 41, last_modified_time: '2025-06-05T08:00:00+0300' }), ctx);
    expect(await stockOf(String(raw.item_id))).toHaveLength(2);
    expect((await product(String(raw.item_id))).available_stock).toBe('41');
  });

  it('round-trips hostile but valid strings exactly', async () => {
    const description = 'منتج عالي الجودة — "quoted" \\ back\'slash 🇮🇶 <b>&amp;</b> '.repeat(60).slice(0, 2000);
    const names = [`Cable "Pro" 2m \\ Type-C 'Fast'`, "'); DROP TABLE products;--", '🔌 Smart Plug ⚡ 16A 🇮🇶', '  padded  ', '\u200Fشاحن سريع'];
    for (const name of names) {
      const raw = rawItem({ name, description, sku: "O'Reilly", custom_fields: [{ api_name: 'cf_name_ar', value: `${name} عربي` }] });
      await applyProduct(t.db, item(raw), ctx);
      const row = await product(String(raw.item_id));
      expect(row.name).toBe(name);
      expect(row.name_ar).toBe(`${name} عربي`);
      expect(row.description).toBe(description);
      expect(row.sku).toBe("O'Reilly");
    }
    expect(description.length).toBe(2000);
    expect(Number((await t.db.selectFrom('products').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(names.length);
  });

  it('refuses a string PostgreSQL cannot hold (U+0000) for good, naming the field', async () => {
    const raw = rawItem({ description: 'bad\u0000byte' });
    const error = await applyProduct(t.db, item(raw), ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordRejectedError);
    expect((error as Error).message).toContain('row.description contains a NUL character');
    expect(isRetryableError(error)).toBe(false);
    expect(await t.db.selectFrom('products').selectAll().execute()).toEqual([]);
  });

  it('refuses for good an item whose text holds an unpaired surrogate, naming the field', async () => {
    const raw = rawItem({ description: 'cut mid-emoji \ud83d' });
    const error = await applyProduct(t.db, item(raw), ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordRejectedError);
    expect((error as Error).message).toContain('row.description contains a broken character');
    expect(isRetryableError(error)).toBe(false);
    expect(await t.db.selectFrom('products').selectAll().execute()).toEqual([]);
    expect(await applyProduct(t.db, item(rawItem({ description: 'whole emoji 💡 and Arabic مصباح' })), ctx)).toBe('inserted');
  });

  it('refreshes only stock when a stock event carries the same version, but never a stale one', async () => {
    const raw = rawItem();
    await applyProduct(t.db, item(raw), ctx);
    const moved = {
      ...raw,
      stock_on_hand: '35',
      locations: [{ location_id: 'L1', location_name: 'Baghdad', location_stock_on_hand: 35, location_available_stock: 35, location_actual_available_stock: 30 }],
    };
    expect(await applyStockLevels(t.db, item(moved), ctx)).toBe('updated');
    expect(await applyStockLevels(t.db, item(moved), ctx)).toBe('unchanged');
    expect((await product(String(raw.item_id))).available_stock).toBe('35');
    expect((await stockOf(String(raw.item_id))).map((s) => [s.zoho_location_id, s.stock_on_hand])).toEqual([['L1', '35']]);
    const old = { ...moved, stock_on_hand: 1, last_modified_time: '2025-06-01T00:00:00+0300' };
    expect(await applyStockLevels(t.db, item(old), ctx)).toBe('stale');
    expect((await product(String(raw.item_id))).available_stock).toBe('35');
  });

  it('refreshes available_stock of an item whose detail has no locations[] nor warehouses[] (a service item) without refusing it', async () => {
    const raw = rawItem();
    await applyProduct(t.db, item(raw), ctx);
    const service: Record<string, unknown> = { ...raw, stock_on_hand: '0' };
    delete service.locations;
    expect(await applyStockLevels(t.db, item(service), ctx)).toBe('updated');
    expect((await product(String(raw.item_id))).available_stock).toBe('0');
    expect((await stockOf(String(raw.item_id))).map((s) => s.zoho_location_id)).toEqual(['L1', 'L2']);
    expect(await applyStockLevels(t.db, item(service), ctx)).toBe('unchanged');
    const fresh = rawItem({ locations: undefined });
    expect(await applyStockLevels(t.db, item(fresh), ctx)).toBe('inserted');
    expect(await stockOf(String(fresh.item_id))).toEqual([]);
  });

  it('stores the whole item when a stock event arrives for an item not stored yet', async () => {
    const raw = rawItem();
    expect(await applyStockLevels(t.db, item(raw), ctx)).toBe('inserted');
    expect((await product(String(raw.item_id))).name_ar).toBe('كابل');
  });
});

describe('price lists and product prices', () => {
  it('fills consumer and wholesale prices whichever of item or price list arrives last', async () => {
    const listed = rawItem();
    const unlisted = rawItem();
    await applyProduct(t.db, item(listed), ctx);
    const consumer = rawPricebook([{ item_id: String(listed.item_id), pricebook_rate: '13750.000' }]);
    const wholesale = rawPricebook([{ item_id: String(listed.item_id), pricebook_rate: 11000 }], { name: ' wholesale price list ' });
    expect(await applyPriceList(t.db, pricebook(consumer), ctx)).toBe('inserted');
    expect(await applyPriceList(t.db, pricebook(wholesale), ctx)).toBe('inserted');
    expect(await product(String(listed.item_id))).toMatchObject({ consumer_price: '13750.000', wholesale_price: '11000' });

    // An item applied after the lists takes its prices from them; one not listed gets null.
    await applyProduct(t.db, item(unlisted), ctx);
    expect(await product(String(unlisted.item_id))).toMatchObject({ consumer_price: null, wholesale_price: null });

    // A price change reaches the product; an item change afterwards keeps it.
    const changed = { ...consumer, pricebook_items: [{ item_id: listed.item_id, pricebook_rate: '14000' }, { item_id: unlisted.item_id, pricebook_rate: 900 }] };
    expect(await applyPriceList(t.db, pricebook(changed), ctx)).toBe('updated');
    expect((await product(String(listed.item_id))).consumer_price).toBe('14000');
    expect((await product(String(unlisted.item_id))).consumer_price).toBe('900');
    await applyProduct(t.db, item({ ...listed, name: 'Renamed', last_modified_time: '2025-06-09T00:00:00+0300' }), ctx);
    expect(await product(String(listed.item_id))).toMatchObject({ name: 'Renamed', consumer_price: '14000', wholesale_price: '11000' });

    // Re-applying the same list is a no-op; removing an entry clears that product's price.
    expect(await applyPriceList(t.db, pricebook(changed), ctx)).toBe('unchanged');
    await applyPriceList(t.db, pricebook({ ...changed, pricebook_items: [{ item_id: listed.item_id, pricebook_rate: '14000' }] }), ctx);
    expect((await product(String(unlisted.item_id))).consumer_price).toBeNull();
  });

  it('moves a price role when a list is renamed or deleted', async () => {
    const raw = rawItem();
    await applyProduct(t.db, item(raw), ctx);
    const list = rawPricebook([{ item_id: String(raw.item_id), pricebook_rate: 500 }], { name: 'Draft list' });
    await applyPriceList(t.db, pricebook(list), ctx);
    expect((await product(String(raw.item_id))).consumer_price).toBeNull();
    await applyPriceList(t.db, pricebook({ ...list, name: 'Consumer Price List' }), ctx);
    expect((await product(String(raw.item_id))).consumer_price).toBe('500');
    expect(await deletePriceList(t.db, String(list.pricebook_id), ctx)).toBe('deleted');
    expect((await product(String(raw.item_id))).consumer_price).toBeNull();
    const stored = await t.db.selectFrom('price_lists').selectAll().executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ is_active: false });
    expect(stored.deleted_at).toBeInstanceOf(Date);
  });

  it('uses configured price list names', async () => {
    const custom = createApplyContext({ consumerPriceListName: 'Retail', wholesalePriceListName: 'Trade' });
    const raw = rawItem();
    await applyPriceList(t.db, pricebook(rawPricebook([{ item_id: String(raw.item_id), pricebook_rate: 7 }], { name: 'Trade' })), custom);
    await applyProduct(t.db, item(raw), custom);
    expect(await product(String(raw.item_id))).toMatchObject({ consumer_price: null, wholesale_price: '7' });
  });
});

describe('customers', () => {
  it('stores customers, skips vendors, and keeps decimals and payment terms exact', async () => {
    const raw = rawContact({ contact_name: "Robert'); DROP TABLE customers;--" });
    expect(await applyCustomer(t.db, contact(raw), ctx)).toBe('inserted');
    expect(await applyCustomer(t.db, contact(rawContact({ contact_type: 'vendor' })), ctx)).toBe('skipped');
    const rows = await t.db.selectFrom('customers').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      zoho_contact_id: raw.contact_id,
      name: "Robert'); DROP TABLE customers;--",
      company_name: 'Al-Rafidain Trading LLC',
      email: 'buyer@rafidain.example',
      outstanding_receivable: '1500000.000',
      payment_terms: 30,
      payment_terms_label: 'Net 30',
      contact_type: 'customer',
      is_active: true,
    });
  });

  it('soft-deletes a customer that Zoho turns into a vendor', async () => {
    const raw = rawContact({ last_modified_time: '2025-06-01T10:00:00+0300' });
    expect(await applyCustomer(t.db, contact(raw), ctx)).toBe('inserted');
    const asVendor = { ...raw, contact_type: 'vendor', last_modified_time: '2025-06-02T10:00:00+0300' };
    expect(await applyCustomer(t.db, contact(asVendor), ctx)).toBe('deleted');
    const row = await t.db.selectFrom('customers').selectAll().where('zoho_contact_id', '=', String(raw.contact_id)).executeTakeFirstOrThrow();
    expect(row.deleted_at).toBeInstanceOf(Date);
    expect(row.is_active).toBe(false);
    expect(await applyCustomer(t.db, contact(asVendor), ctx)).toBe('skipped');
  });

  it('refuses payment terms that are not whole days', async () => {
    const error = await applyCustomer(t.db, contact(rawContact({ payment_terms: '15.5' })), ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordRejectedError);
    expect((error as Error).message).toContain('payment_terms "15.5" is not a whole number of days');
  });
});

describe('invoices and bills', () => {
  it('stores an invoice before its customer, with its lines, and a total above a billion exactly', async () => {
    const raw = rawInvoice({ total: '1250000000.000', balance: '1250000000.000', sub_total: '1250000000.000' });
    expect(await applyInvoice(t.db, invoice(raw), ctx)).toBe('inserted');
    const stored = await t.db.selectFrom('invoices').selectAll().executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ zoho_customer_id: raw.customer_id, total: '1250000000.000', balance: '1250000000.000', date: '2025-06-01', due_date: '2025-07-01' });
    expect(await t.db.selectFrom('customers').selectAll().execute()).toEqual([]);
    const lines = await linesOf(String(raw.invoice_id));
    expect(lines.map((l) => [l.name, l.quantity, l.rate, l.item_total, l.description])).toEqual([
      ['Charger', '2', '25000', '50000', 'Fast charger'],
      ['Cable', '3', '5000', '15000', 'Fast charger'],
    ]);
    // The customer arriving later changes nothing on the invoice side.
    await applyCustomer(t.db, contact(rawContact({ contact_id: raw.customer_id })), ctx);
    expect((await t.db.selectFrom('invoices').select('zoho_customer_id').executeTakeFirstOrThrow()).zoho_customer_id).toBe(raw.customer_id);
  });

  it('removes a line removed in Zoho and keeps the rest', async () => {
    const raw = rawInvoice();
    await applyInvoice(t.db, invoice(raw), ctx);
    const [first, second] = raw.line_items as Array<Record<string, unknown>>;
    const edited = { ...raw, line_items: [{ ...second, quantity: 4, item_total: 20000 }, rawLine({ name: 'New line' })], last_modified_time: '2025-06-04T11:00:00+0300' };
    expect(await applyInvoice(t.db, invoice(edited), ctx)).toBe('updated');
    const lines = await linesOf(String(raw.invoice_id));
    expect(lines.map((l) => l.zoho_line_item_id)).not.toContain(first.line_item_id);
    expect(lines.map((l) => [l.name, l.quantity])).toEqual([
      ['Cable', '4'],
      ['New line', '2'],
    ]);
  });

  it('does not touch lines for a stale version and soft-deletes header and lines', async () => {
    const raw = rawInvoice();
    await applyInvoice(t.db, invoice(raw), ctx);
    const stale = { ...raw, line_items: [], last_modified_time: '2025-06-01T11:00:00+0300' };
    expect(await applyInvoice(t.db, invoice(stale), ctx)).toBe('stale');
    expect(await linesOf(String(raw.invoice_id))).toHaveLength(2);
    expect(await deleteInvoice(t.db, String(raw.invoice_id), ctx)).toBe('deleted');
    const header = await t.db.selectFrom('invoices').selectAll().executeTakeFirstOrThrow();
    expect(header.deleted_at).toBeInstanceOf(Date);
    expect((await linesOf(String(raw.invoice_id))).every((l) => l.deleted_at instanceof Date)).toBe(true);
    expect(await applyingFetchedRecord(await databaseNow(t.db), () => applyInvoice(t.db, invoice({ ...raw, last_modified_time: '2025-06-09T11:00:00+0300' }), ctx))).toBe('restored');
    expect((await linesOf(String(raw.invoice_id))).every((l) => l.deleted_at === null)).toBe(true);
  });

  it('refuses a list row without line_items', async () => {
    const raw = rawInvoice();
    delete raw.line_items;
    await expect(applyInvoice(t.db, invoice(raw), ctx)).rejects.toThrow(/no line_items/);
  });

  it('stores bills with their lines', async () => {
    const raw = rawBill();
    expect(await applyBill(t.db, bill(raw), ctx)).toBe('inserted');
    expect(await t.db.selectFrom('bills').selectAll().executeTakeFirstOrThrow()).toMatchObject({ vendor_name: 'Shenzhen Parts Co.', total: '1250.00', currency_code: 'USD' });
    expect((await t.db.selectFrom('bill_lines').selectAll().execute()).map((l) => [l.rate, l.quantity, l.item_total])).toEqual([['1.25', '1000', '1250.00']]);
  });

  it('treats a foreign-key violation as retryable and a value the column cannot hold as permanent', async () => {
    const fk = await sql`INSERT INTO invoice_lines (zoho_line_item_id, zoho_invoice_id) VALUES (${zohoId()}, 'no-such-invoice')`.execute(t.db).catch((e: unknown) => e);
    expect((fk as { code?: string }).code).toBe('23503');
    expect(isRetryableError(fk)).toBe(true);
    const overflow = await sql`SELECT 'x'::numeric`.execute(t.db).catch((e: unknown) => e);
    expect(isRetryableError(overflow)).toBe(false);
  });
});
