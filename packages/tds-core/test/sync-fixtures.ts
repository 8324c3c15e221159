import Decimal from 'decimal.js';
import type { Kysely } from 'kysely';
import type { Database } from '../src/db';
import type { SandboxNumberStyle, SandboxStore } from '@tsh/zoho-sandbox';

// The sandbox's truth turned into the rows the data contract (docs/data-contract.md) promises, and a
// column-by-column comparison with what the sync stored. Mismatches are returned as text so a
// failing test names every differing column.

/** What the sandbox renders for a value: "" (so null after parsing) for empty, or an optional zero in the blank-zero style. */
function sent(value: string | null, style: SandboxNumberStyle, optional = false): string | null {
  if (value === null || value === '') return null;
  if (style === 'blank-zero' && optional && new Decimal(value).isZero()) return null;
  return value;
}

const blank = (s: string | null | undefined) => s === null || s === undefined || s.trim() === '';

function sameDecimal(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  return new Decimal(a).equals(new Decimal(b));
}

class Mismatches {
  readonly list: string[] = [];
  text(where: string, column: string, actual: unknown, expected: unknown) {
    if (actual !== expected) this.list.push(`${where}.${column}: stored ${JSON.stringify(actual)}, Zoho ${JSON.stringify(expected)}`);
  }
  decimal(where: string, column: string, actual: string | null | undefined, expected: string | null) {
    if (!sameDecimal(actual, expected)) this.list.push(`${where}.${column}: stored ${JSON.stringify(actual)}, Zoho ${JSON.stringify(expected)}`);
  }
  count(what: string, actual: number, expected: number) {
    if (actual !== expected) this.list.push(`${what}: ${actual} rows stored, ${expected} in Zoho`);
  }
}

export async function compareProducts(db: Kysely<Database>, store: SandboxStore, names = { consumer: 'Consumer Price List', wholesale: 'Wholesale Price List' }): Promise<string[]> {
  const m = new Mismatches();
  const rows = new Map((await db.selectFrom('products').selectAll().where('deleted_at', 'is', null).execute()).map((r) => [r.zoho_item_id, r]));
  const categories = new Map((await db.selectFrom('categories').selectAll().execute()).map((c) => [c.id, c]));
  const books = store.pricebooks.list();
  const consumer = books.find((b) => b.name === names.consumer && b.pricebook_type === 'per_item');
  const wholesale = books.find((b) => b.name === names.wholesale && b.pricebook_type === 'per_item');
  const items = store.items.list();
  m.count('products', rows.size, items.length);
  for (const item of items) {
    const row = rows.get(item.item_id);
    const at = `products[${item.item_id}]`;
    if (!row) {
      m.list.push(`${at}: missing`);
      continue;
    }
    m.text(at, 'name', row.name, item.name);
    m.text(at, 'name_ar', row.name_ar, blank(item.name_ar) ? item.name : item.name_ar);
    m.text(at, 'description', row.description, item.description);
    m.text(at, 'sku', row.sku, item.sku);
    m.text(at, 'barcode', row.barcode, [item.ean, item.upc, item.isbn].find((code) => !blank(code)) ?? null);
    const onHand = item.product_type === 'service' ? null : item.stock.reduce((sum, s) => sum.plus(s.stock_on_hand), new Decimal(0)).toString();
    m.decimal(at, 'available_stock', row.available_stock, onHand);
    m.decimal(at, 'unit_price', row.unit_price, item.rate);
    m.decimal(at, 'consumer_price', row.consumer_price, consumer?.rates.get(item.item_id) ?? null);
    m.decimal(at, 'wholesale_price', row.wholesale_price, wholesale?.rates.get(item.item_id) ?? null);
    m.text(at, 'is_active', row.is_active, item.status === 'active');
    m.text(at, 'zoho_category_id', row.zoho_category_id, item.category_id);
    const category = row.category_id === null ? undefined : categories.get(row.category_id);
    m.text(at, 'category.zoho_category_id', category?.zoho_category_id, item.category_id);
    m.text(at, 'category.name', category?.name, item.category_name);
    m.text(at, 'zoho_last_modified_time', row.zoho_last_modified_time?.getTime(), item.last_modified_time);
  }
  return m.list;
}

export async function compareStockLevels(db: Kysely<Database>, store: SandboxStore): Promise<string[]> {
  const m = new Mismatches();
  const rows = await db.selectFrom('stock_levels').selectAll().where('deleted_at', 'is', null).execute();
  const byKey = new Map(rows.map((r) => [`${r.zoho_item_id}/${r.zoho_location_id}`, r]));
  let expected = 0;
  for (const item of store.items.list()) {
    for (const s of item.stock) {
      expected++;
      const at = `stock_levels[${item.item_id}/${s.location_id}]`;
      const row = byKey.get(`${item.item_id}/${s.location_id}`);
      if (!row) {
        m.list.push(`${at}: missing`);
        continue;
      }
      m.text(at, 'location_name', row.location_name, store.location(s.location_id)?.location_name);
      m.decimal(at, 'stock_on_hand', row.stock_on_hand, s.stock_on_hand);
      m.decimal(at, 'available_stock', row.available_stock, s.stock_on_hand);
      m.decimal(at, 'actual_available_stock', row.actual_available_stock, new Decimal(s.stock_on_hand).minus(s.committed_stock).toString());
    }
  }
  m.count('stock_levels', rows.length, expected);
  return m.list;
}

export async function compareCustomers(db: Kysely<Database>, store: SandboxStore): Promise<string[]> {
  const m = new Mismatches();
  const rows = new Map((await db.selectFrom('customers').selectAll().where('deleted_at', 'is', null).execute()).map((r) => [r.zoho_contact_id, r]));
  const customers = store.customers();
  m.count('customers', rows.size, customers.length);
  for (const c of customers) {
    const row = rows.get(c.contact_id);
    const at = `customers[${c.contact_id}]`;
    if (!row) {
      m.list.push(`${at}: missing`);
      continue;
    }
    m.text(at, 'name', row.name, c.contact_name);
    m.text(at, 'company_name', row.company_name, c.company_name);
    m.text(at, 'email', row.email, c.email);
    m.text(at, 'phone', row.phone, c.phone);
    m.text(at, 'mobile', row.mobile, c.mobile);
    m.text(at, 'currency_code', row.currency_code, c.currency_code);
    m.decimal(at, 'outstanding_receivable', row.outstanding_receivable, sent(c.outstanding_receivable_amount, c.number_style, true));
    m.text(at, 'payment_terms', row.payment_terms, c.payment_terms);
    m.text(at, 'is_active', row.is_active, c.status === 'active');
    m.text(at, 'zoho_last_modified_time', row.zoho_last_modified_time?.getTime(), c.last_modified_time);
  }
  return m.list;
}

export async function compareDocuments(db: Kysely<Database>, store: SandboxStore, kind: 'invoices' | 'bills'): Promise<string[]> {
  const m = new Mismatches();
  const headers =
    kind === 'invoices'
      ? (await db.selectFrom('invoices').selectAll().where('deleted_at', 'is', null).execute()).map((r) => ({ ...r, id: r.zoho_invoice_id, number: r.invoice_number, party: r.zoho_customer_id, partyName: r.customer_name }))
      : (await db.selectFrom('bills').selectAll().where('deleted_at', 'is', null).execute()).map((r) => ({ ...r, id: r.zoho_bill_id, number: r.bill_number, party: r.zoho_vendor_id, partyName: r.vendor_name }));
  const lines =
    kind === 'invoices'
      ? (await db.selectFrom('invoice_lines').selectAll().where('deleted_at', 'is', null).execute()).map((l) => ({ ...l, parent: l.zoho_invoice_id }))
      : (await db.selectFrom('bill_lines').selectAll().where('deleted_at', 'is', null).execute()).map((l) => ({ ...l, parent: l.zoho_bill_id }));
  const byId = new Map(headers.map((h) => [h.id, h]));
  const linesById = new Map(lines.map((l) => [l.zoho_line_item_id, l]));
  const docs =
    kind === 'invoices'
      ? store.invoices.list().map((d) => ({ ...d, id: d.invoice_id, number: d.invoice_number, party: d.customer_id, partyName: d.customer_name }))
      : store.bills.list().map((d) => ({ ...d, id: d.bill_id, number: d.bill_number, party: d.vendor_id, partyName: d.vendor_name }));
  m.count(kind, byId.size, docs.length);
  m.count(`${kind} lines`, lines.length, docs.reduce((n, d) => n + d.line_items.length, 0));
  for (const doc of docs) {
    const row = byId.get(doc.id);
    const at = `${kind}[${doc.id}]`;
    if (!row) {
      m.list.push(`${at}: missing`);
      continue;
    }
    const style = doc.number_style;
    m.text(at, 'number', row.number, doc.number);
    m.text(at, 'party', row.party, doc.party || null);
    m.text(at, 'party_name', row.partyName, doc.partyName);
    m.text(at, 'status', row.status, doc.status);
    m.text(at, 'date', row.date, doc.date || null);
    m.text(at, 'due_date', row.due_date, doc.due_date || null);
    m.text(at, 'currency_code', row.currency_code, doc.currency_code);
    m.decimal(at, 'sub_total', row.sub_total, sent(doc.sub_total, style));
    m.decimal(at, 'tax_total', row.tax_total, sent(doc.tax_total, style, true));
    m.decimal(at, 'total', row.total, sent(doc.total, style));
    m.decimal(at, 'balance', row.balance, sent(doc.balance, style, true));
    m.text(at, 'zoho_last_modified_time', row.zoho_last_modified_time?.getTime(), doc.last_modified_time);
    for (const line of doc.line_items) {
      const stored = linesById.get(line.line_item_id);
      const lat = `${at}.line[${line.line_item_id}]`;
      if (!stored) {
        m.list.push(`${lat}: missing`);
        continue;
      }
      m.text(lat, 'document', stored.parent, doc.id);
      m.text(lat, 'zoho_item_id', stored.zoho_item_id, line.item_id || null);
      m.text(lat, 'name', stored.name, line.name);
      m.decimal(lat, 'quantity', stored.quantity, line.quantity);
      m.decimal(lat, 'rate', stored.rate, line.rate);
      m.decimal(lat, 'item_total', stored.item_total, line.item_total);
    }
  }
  return m.list;
}

export async function comparePriceLists(db: Kysely<Database>, store: SandboxStore): Promise<string[]> {
  const m = new Mismatches();
  const rows = new Map((await db.selectFrom('price_lists').selectAll().where('deleted_at', 'is', null).execute()).map((r) => [r.zoho_pricebook_id, r]));
  const entries = await db.selectFrom('price_list_items').selectAll().where('deleted_at', 'is', null).execute();
  const books = store.pricebooks.list();
  m.count('price_lists', rows.size, books.length);
  let expectedEntries = 0;
  for (const book of books) {
    const row = rows.get(book.pricebook_id);
    const at = `price_lists[${book.pricebook_id}]`;
    if (!row) {
      m.list.push(`${at}: missing`);
      continue;
    }
    m.text(at, 'name', row.name, book.name);
    m.text(at, 'currency_code', row.currency_code, book.currency_code);
    m.text(at, 'pricebook_type', row.pricebook_type, book.pricebook_type);
    m.decimal(at, 'percentage', row.percentage, book.percentage);
    m.text(at, 'is_increase', row.is_increase, book.is_increase);
    m.text(at, 'is_active', row.is_active, book.status === 'active');
    const stored = new Map(entries.filter((e) => e.zoho_pricebook_id === book.pricebook_id).map((e) => [e.zoho_item_id, e.rate]));
    for (const [itemId, rate] of book.rates) {
      if (!store.items.has(itemId)) continue;
      expectedEntries++;
      m.decimal(`${at}.item[${itemId}]`, 'rate', stored.get(itemId) ?? null, rate);
    }
  }
  m.count('price_list_items', entries.length, expectedEntries);
  return m.list;
}

/**
 * The categories table against the categories Zoho's items name: one row per zoho_category_id with
 * its current name (products reach it through category_id, compared in compareProducts).
 */
export async function compareCategories(db: Kysely<Database>, store: SandboxStore): Promise<string[]> {
  const m = new Mismatches();
  const rows = await db.selectFrom('categories').selectAll().execute();
  const byZohoId = new Map<string, typeof rows>();
  for (const row of rows) byZohoId.set(row.zoho_category_id, [...(byZohoId.get(row.zoho_category_id) ?? []), row]);
  const named = new Map(store.items.list().filter((item) => !blank(item.category_id)).map((item) => [item.category_id, item.category_name]));
  for (const [zohoId, name] of named) {
    const stored = byZohoId.get(zohoId) ?? [];
    const at = `categories[${zohoId}]`;
    if (stored.length !== 1) m.list.push(`${at}: ${stored.length} rows stored, 1 in Zoho`);
    else m.text(at, 'name', stored[0].name, name);
  }
  return m.list;
}

/**
 * Rows of records Zoho deleted: every one soft-deleted, with is_active false where the table has it
 * (design §3b); their child rows (stock, lines, price list entries) soft-deleted too.
 */
export async function compareDeletedRows(db: Kysely<Database>, store: SandboxStore): Promise<string[]> {
  const m = new Mismatches();
  const deleted = store.snapshot().deleted;
  const check = async (table: 'products' | 'customers' | 'price_lists' | 'invoices' | 'bills', key: string, ids: readonly string[]) => {
    if (ids.length === 0) return;
    const rows = await db.selectFrom(table).select([`${key} as id` as 'zoho_item_id', 'deleted_at']).where(key as 'zoho_item_id', 'in', [...ids]).execute();
    for (const row of rows) if (row.deleted_at === null) m.list.push(`${table}[${row.zoho_item_id}]: live, deleted in Zoho`);
    if (table === 'products' || table === 'customers' || table === 'price_lists') {
      const active = await db.selectFrom(table).select(`${key} as id` as 'zoho_item_id').where(key as 'zoho_item_id', 'in', [...ids]).where('is_active', '=', true).execute();
      for (const row of active) m.list.push(`${table}[${row.zoho_item_id}]: is_active true, deleted in Zoho`);
    }
  };
  await check('products', 'zoho_item_id', deleted.item);
  await check('customers', 'zoho_contact_id', deleted.contact);
  await check('invoices', 'zoho_invoice_id', deleted.invoice);
  await check('bills', 'zoho_bill_id', deleted.bill);
  await check('price_lists', 'zoho_pricebook_id', deleted.pricebook);
  const children = async (table: 'stock_levels' | 'invoice_lines' | 'bill_lines' | 'price_list_items', key: string, ids: readonly string[]) => {
    if (ids.length === 0) return;
    const live = await db.selectFrom(table).select(`${key} as id` as 'zoho_item_id').where(key as 'zoho_item_id', 'in', [...ids]).where('deleted_at', 'is', null).execute();
    for (const row of live) m.list.push(`${table} of ${row.zoho_item_id}: live, parent deleted in Zoho`);
  };
  await children('stock_levels', 'zoho_item_id', deleted.item);
  await children('invoice_lines', 'zoho_invoice_id', deleted.invoice);
  await children('bill_lines', 'zoho_bill_id', deleted.bill);
  await children('price_list_items', 'zoho_pricebook_id', deleted.pricebook);
  return m.list;
}
