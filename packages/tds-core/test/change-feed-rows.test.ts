import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  applyBill,
  applyCustomer,
  applyInvoice,
  applyPriceList,
  applyProduct,
  applyStockLevels,
  createApplyContext,
  deleteBill,
  deleteCustomer,
  deleteInvoice,
  deletePriceList,
  deleteProduct,
  type ApplyContext,
} from '../src/apply';
import { readChanges, type Change } from '../src/changes';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { bill, contact, invoice, item, pricebook, rawBill, rawContact, rawInvoice, rawItem, rawLine, rawPricebook } from './apply-fixtures';

// Every kind of contract write gives exactly one feed row per applied version, with the columns
// that changed; writes that change nothing give none (docs/change-feed.md).

let t: TestDatabase;
let ctx: ApplyContext;
let cursor = '0';

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE products, categories, stock_levels, customers, invoices, invoice_lines, bills, bill_lines, price_lists, price_list_items RESTART IDENTITY CASCADE`.execute(t.db);
  ctx = createApplyContext();
  cursor = (await readChanges(t.db, { limit: 1000 })).cursor;
});

/**
 * The changes written since the last call, as [entity, zoho_id, op, columns], sorted by entity and
 * id: the order of rows written by one transaction is the apply code's business, not the feed's.
 */
async function newChanges(): Promise<Array<[string, string, string, string[]]>> {
  const page = await readChanges(t.db, { after: cursor, limit: 1000 });
  cursor = page.cursor;
  return page.changes
    .map((c: Change): [string, string, string, string[]] => [c.entity, c.zoho_id, c.op, c.columns])
    .sort((a, b) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`));
}

/** Column names as the feed gives them: sorted. */
const cols = (...names: string[]) => names.sort();

async function restore(table: 'products' | 'invoices', key: string, id: string, children: 'stock_levels' | 'invoice_lines', hasIsActive: boolean): Promise<void> {
  await t.db.transaction().execute(async (tx) => {
    await sql`UPDATE ${sql.table(table)} SET deleted_at = NULL ${hasIsActive ? sql`, is_active = true` : sql``}, updated_at = now() WHERE ${sql.ref(key)} = ${id}`.execute(tx);
    await sql`UPDATE ${sql.table(children)} SET deleted_at = NULL, updated_at = now() WHERE ${sql.ref(key)} = ${id}`.execute(tx);
  });
}

const PRODUCT_COLUMNS = ['name', 'name_ar', 'description', 'sku', 'barcode', 'available_stock', 'unit_price', 'consumer_price', 'wholesale_price', 'is_active', 'category_id', 'zoho_category_id'];
const later = (iso: string) => ({ last_modified_time: iso });

describe('products, categories and stock', () => {
  it('one insert per new product with its stock, one category insert, nothing on re-apply', async () => {
    const raw = rawItem();
    const id = String(raw.item_id);
    await applyProduct(t.db, item(raw), ctx);
    expect(await newChanges()).toEqual([
      ['categories', '4815000000000000777', 'insert', cols('name', 'parent_zoho_category_id', 'is_active')],
      ['products', id, 'insert', cols(...PRODUCT_COLUMNS, 'stock')],
    ]);
    await applyProduct(t.db, item(raw), ctx);
    await applyStockLevels(t.db, item(raw), ctx);
    expect(await newChanges()).toEqual([]);
    // A newer version that changes no contract column (only raw and the version) is not a change.
    await applyProduct(t.db, item({ ...raw, ...later('2025-06-05T00:00:00+0300'), some_unmapped_field: 'x' }), ctx);
    expect(await newChanges()).toEqual([]);
  });

  it('an update lists exactly the changed columns; a stale version gives nothing', async () => {
    const raw = rawItem();
    const id = String(raw.item_id);
    await applyProduct(t.db, item(raw), ctx);
    await newChanges();
    await applyProduct(t.db, item({ ...raw, name: 'Renamed', rate: 13000, ...later('2025-06-06T00:00:00+0300') }), ctx);
    expect(await newChanges()).toEqual([['products', id, 'update', cols('name', 'unit_price')]]);
    await applyProduct(t.db, item({ ...raw, name: 'Old name', ...later('2025-06-01T00:00:00+0300') }), ctx);
    expect(await newChanges()).toEqual([]);
    const page = await readChanges(t.db, { after: '0', limit: 1000, entities: ['products'] });
    expect(page.changes.filter((c) => c.zoho_id === id).map((c) => c.zoho_last_modified_time)).toEqual(['2025-06-03T11:22:47.000Z', '2025-06-05T21:00:00.000Z']);
  });

  it('a stock refresh is one update of the product with stock (and available_stock when it moved)', async () => {
    const raw = rawItem();
    const id = String(raw.item_id);
    await applyProduct(t.db, item(raw), ctx);
    await newChanges();
    const locations = [
      { location_id: 'L1', location_name: 'Baghdad', location_stock_on_hand: '25', location_available_stock: '25', location_actual_available_stock: '25' },
      { location_id: 'L2', location_name: 'Basra', location_stock_on_hand: '10', location_available_stock: '10', location_actual_available_stock: '10' },
    ];
    await applyStockLevels(t.db, item({ ...raw, stock_on_hand: '35.00', locations, ...later('2025-06-07T00:00:00+0300') }), ctx);
    expect(await newChanges()).toEqual([['products', id, 'update', cols('available_stock', 'stock')]]);
  });

  it('soft delete is one delete; a restore is one update with deleted_at', async () => {
    const raw = rawItem();
    const id = String(raw.item_id);
    await applyProduct(t.db, item(raw), ctx);
    await newChanges();
    await deleteProduct(t.db, id, ctx);
    expect(await newChanges()).toEqual([['products', id, 'delete', cols('is_active', 'deleted_at', 'stock')]]);
    await deleteProduct(t.db, id, ctx);
    expect(await newChanges()).toEqual([]);
    // When a restore happens is the apply code's rule (docs/deletions.md); the feed reports the
    // write, whichever path makes it: here one transaction restoring the row and its stock.
    await restore('products', 'zoho_item_id', id, 'stock_levels', true);
    expect(await newChanges()).toEqual([['products', id, 'update', cols('is_active', 'deleted_at', 'stock')]]);
  });
});

describe('price lists and price refreshes', () => {
  it('a list with entries is one pricelists insert plus one update per product whose price moved', async () => {
    const a = rawItem();
    const b = rawItem();
    await applyProduct(t.db, item(a), ctx);
    await applyProduct(t.db, item(b), ctx);
    await newChanges();
    const list = rawPricebook([{ item_id: String(a.item_id), pricebook_rate: '13750.000' }]);
    const listId = String(list.pricebook_id);
    await applyPriceList(t.db, pricebook(list), ctx);
    expect(await newChanges()).toEqual([
      ['pricelists', listId, 'insert', cols('name', 'currency_code', 'pricebook_type', 'percentage', 'is_increase', 'is_active', 'rounding_type', 'entries')],
      ['products', String(a.item_id), 'update', cols('consumer_price')],
    ]);
    await applyPriceList(t.db, pricebook(list), ctx);
    expect(await newChanges()).toEqual([]);
    // An entry's rate changes and one is added: the list's entries, and both products' prices.
    await applyPriceList(t.db, pricebook({ ...list, pricebook_items: [{ item_id: a.item_id, pricebook_rate: '14000' }, { item_id: b.item_id, pricebook_rate: 900 }] }), ctx);
    const changes = await newChanges();
    expect(changes).toHaveLength(3);
    expect(changes).toEqual(
      expect.arrayContaining([
        ['pricelists', listId, 'update', cols('entries')],
        ['products', String(a.item_id), 'update', cols('consumer_price')],
        ['products', String(b.item_id), 'update', cols('consumer_price')],
      ]),
    );
    await deletePriceList(t.db, listId, ctx);
    const deleted = await newChanges();
    expect(deleted).toEqual(
      expect.arrayContaining([
        ['pricelists', listId, 'delete', cols('is_active', 'deleted_at', 'entries')],
        ['products', String(a.item_id), 'update', cols('consumer_price')],
        ['products', String(b.item_id), 'update', cols('consumer_price')],
      ]),
    );
    expect(deleted).toHaveLength(3);
  });
});

describe('customers', () => {
  it('insert, update, unchanged, delete', async () => {
    const raw = rawContact();
    const id = String(raw.contact_id);
    await applyCustomer(t.db, contact(raw), ctx);
    expect(await newChanges()).toEqual([
      ['customers', id, 'insert', cols('name', 'company_name', 'email', 'phone', 'mobile', 'currency_code', 'outstanding_receivable', 'payment_terms', 'payment_terms_label', 'contact_type', 'is_active')],
    ]);
    await applyCustomer(t.db, contact(raw), ctx);
    expect(await newChanges()).toEqual([]);
    await applyCustomer(t.db, contact({ ...raw, outstanding_receivable_amount: '1500000.5', ...later('2025-06-04T10:00:00+0300') }), ctx);
    expect(await newChanges()).toEqual([['customers', id, 'update', cols('outstanding_receivable')]]);
    await deleteCustomer(t.db, id, ctx);
    expect(await newChanges()).toEqual([['customers', id, 'delete', cols('is_active', 'deleted_at')]]);
  });
});

describe('invoices and bills with lines', () => {
  it('an invoice and its lines are one row per applied version', async () => {
    const raw = rawInvoice();
    const id = String(raw.invoice_id);
    await applyInvoice(t.db, invoice(raw), ctx);
    expect(await newChanges()).toEqual([
      ['invoices', id, 'insert', cols('invoice_number', 'zoho_customer_id', 'customer_name', 'status', 'date', 'due_date', 'currency_code', 'sub_total', 'tax_total', 'total', 'balance', 'lines')],
    ]);
    await applyInvoice(t.db, invoice(raw), ctx);
    expect(await newChanges()).toEqual([]);
    // Only a line changed: one update of the invoice with lines.
    const [first, second] = raw.line_items as Array<Record<string, unknown>>;
    await applyInvoice(t.db, invoice({ ...raw, line_items: [first, { ...second, quantity: 4 }], ...later('2025-06-04T11:00:00+0300') }), ctx);
    expect(await newChanges()).toEqual([['invoices', id, 'update', cols('lines')]]);
    // Header and lines: a removed line and a new one, and the balance.
    await applyInvoice(t.db, invoice({ ...raw, balance: '0', line_items: [first, rawLine()], ...later('2025-06-05T11:00:00+0300') }), ctx);
    expect(await newChanges()).toEqual([['invoices', id, 'update', cols('balance', 'lines')]]);
    await deleteInvoice(t.db, id, ctx);
    expect(await newChanges()).toEqual([['invoices', id, 'delete', cols('deleted_at', 'lines')]]);
    await restore('invoices', 'zoho_invoice_id', id, 'invoice_lines', false);
    expect(await newChanges()).toEqual([['invoices', id, 'update', cols('deleted_at', 'lines')]]);
  });

  it('bills the same way', async () => {
    const raw = rawBill();
    const id = String(raw.bill_id);
    await applyBill(t.db, bill(raw), ctx);
    expect(await newChanges()).toEqual([
      ['bills', id, 'insert', cols('bill_number', 'zoho_vendor_id', 'vendor_name', 'status', 'date', 'due_date', 'currency_code', 'sub_total', 'tax_total', 'total', 'balance', 'lines')],
    ]);
    await applyBill(t.db, bill(raw), ctx);
    expect(await newChanges()).toEqual([]);
    await applyBill(t.db, bill({ ...raw, status: 'paid', balance: '0', ...later('2025-06-04T09:00:00+0300') }), ctx);
    expect(await newChanges()).toEqual([['bills', id, 'update', cols('status', 'balance')]]);
    await deleteBill(t.db, id, ctx);
    expect(await newChanges()).toEqual([['bills', id, 'delete', cols('deleted_at', 'lines')]]);
  });
});

describe('transactions', () => {
  it('a rolled-back write leaves no feed row; bookkeeping-only updates leave none', async () => {
    const raw = rawItem();
    await applyProduct(t.db, item(raw), ctx);
    await newChanges();
    await t.db
      .transaction()
      .execute(async (tx) => {
        await sql`UPDATE products SET name = 'never committed' WHERE zoho_item_id = ${String(raw.item_id)}`.execute(tx);
        throw new Error('rolled back');
      })
      .catch(() => {});
    await sql`UPDATE products SET updated_at = now(), last_synced_at = now(), raw = '{}'::jsonb, zoho_last_modified_time = now()`.execute(t.db);
    await sql`UPDATE stock_levels SET updated_at = now(), last_synced_at = now()`.execute(t.db);
    expect(await newChanges()).toEqual([]);
  });
});
