import type { TdsDatabase } from '@tsh/tds-core';
import type { Collection } from './collections';
import { CONSUMER, WHOLESALE, type ZohoRecord } from './dataset';
import { parseZohoTime } from './zoho-time';

/**
 * docs/data-contract.md written out once, from the Zoho records the fake serves: what each contract row
 * must hold. Money and quantities are compared as canonical decimal text (no float anywhere).
 */

/** Canonical decimal text: "1250.50" → "1250.5", "0.10" → "0.1", 3500 → "3500"; "" / null → null. */
export function decimal(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  let text = typeof value === 'number' ? String(value) : String(value).trim();
  if (text === '') return null;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) throw new Error(`not a decimal: ${JSON.stringify(value)}`);
  const negative = text.startsWith('-');
  text = text.replace(/^[+-]/, '');
  let [int = '', frac = ''] = text.split('.');
  int = int.replace(/^0+(?=\d)/, '') || '0';
  frac = frac.replace(/0+$/, '');
  const out = frac ? `${int}.${frac}` : int;
  return negative && /[1-9]/.test(out) ? `-${out}` : out;
}

/** Optional text: absent / null stay null; "" may be stored as "" or null (both are faithful). */
const text = (value: unknown): string | null => (value === undefined || value === null || value === '' ? null : String(value));
const instant = (value: unknown): number | null => (typeof value === 'string' ? parseZohoTime(value) : null);
const nonBlank = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

export function arabicName(item: ZohoRecord): string {
  const fields = (item.custom_fields as Array<Record<string, unknown>> | undefined) ?? [];
  const byApiName = fields.find((f) => f.api_name === 'cf_name_ar')?.value;
  const byHash = (item.custom_field_hash as Record<string, unknown> | undefined)?.cf_name_ar;
  const value = byApiName ?? byHash;
  return nonBlank(value) ? value : String(item.name);
}

export function barcode(item: ZohoRecord): string | null {
  return [item.ean, item.upc, item.isbn].find(nonBlank) ?? null;
}

function bookRate(pricebooks: Collection, name: string, itemId: string): string | null {
  const book = [...pricebooks.records.values()].find((b) => b.name === name);
  const entry = ((book?.pricebook_items as ZohoRecord[] | undefined) ?? []).find((e) => e.item_id === itemId);
  return entry ? decimal(entry.pricebook_rate) : null;
}

export function expectedProduct(item: ZohoRecord, pricebooks: Collection) {
  const id = String(item.item_id);
  return {
    zoho_item_id: id,
    name: item.name,
    name_ar: arabicName(item),
    description: text(item.description),
    sku: text(item.sku),
    barcode: barcode(item),
    available_stock: decimal(item.stock_on_hand),
    unit_price: decimal(item.rate),
    consumer_price: bookRate(pricebooks, CONSUMER, id),
    wholesale_price: bookRate(pricebooks, WHOLESALE, id),
    is_active: item.status === 'active',
    category: nonBlank(item.category_id) ? { zoho_category_id: item.category_id, name: item.category_name } : null,
    zoho_last_modified_time: instant(item.last_modified_time),
    deleted: false,
  };
}

export function expectedStockLevels(item: ZohoRecord) {
  const locations = item.locations as ZohoRecord[] | undefined;
  const warehouses = item.warehouses as ZohoRecord[] | undefined;
  const rows =
    locations !== undefined && (locations.length > 0 || warehouses === undefined)
      ? locations.map((l) => [l.location_id, l.location_name, l.location_stock_on_hand, l.location_available_stock, l.location_actual_available_stock])
      : (warehouses ?? []).map((w) => [w.warehouse_id, w.warehouse_name, w.warehouse_stock_on_hand, w.warehouse_available_stock, w.warehouse_actual_available_stock]);
  return rows.map(([location, name, onHand, available, actual]) => ({
    zoho_item_id: String(item.item_id),
    zoho_location_id: String(location),
    location_name: text(name),
    stock_on_hand: decimal(onHand),
    available_stock: decimal(available),
    actual_available_stock: decimal(actual),
  }));
}

export function expectedCustomer(contact: ZohoRecord) {
  return {
    zoho_contact_id: contact.contact_id,
    name: contact.contact_name,
    company_name: text(contact.company_name),
    email: text(contact.email),
    phone: text(contact.phone),
    mobile: text(contact.mobile),
    currency_code: text(contact.currency_code),
    outstanding_receivable: decimal(contact.outstanding_receivable_amount),
    payment_terms: contact.payment_terms === '' || contact.payment_terms === undefined || contact.payment_terms === null ? null : Number(contact.payment_terms),
    is_active: contact.status === 'active',
    zoho_last_modified_time: instant(contact.last_modified_time),
    deleted: false,
  };
}

export function expectedDocument(doc: ZohoRecord, kind: 'invoices' | 'bills') {
  const party = kind === 'invoices' ? { number: doc.invoice_number, partyId: doc.customer_id, partyName: doc.customer_name } : { number: doc.bill_number, partyId: doc.vendor_id, partyName: doc.vendor_name };
  return {
    id: String(kind === 'invoices' ? doc.invoice_id : doc.bill_id),
    number: party.number,
    party_id: text(party.partyId),
    party_name: text(party.partyName),
    status: text(doc.status),
    date: text(doc.date),
    due_date: text(doc.due_date),
    currency_code: text(doc.currency_code),
    sub_total: decimal(doc.sub_total),
    tax_total: decimal(doc.tax_total),
    total: decimal(doc.total),
    balance: decimal(doc.balance),
    zoho_last_modified_time: instant(doc.last_modified_time),
    deleted: false,
    lines: ((doc.line_items as ZohoRecord[] | undefined) ?? [])
      .map((l) => ({ zoho_line_item_id: String(l.line_item_id), zoho_item_id: text(l.item_id), name: text(l.name), quantity: decimal(l.quantity), rate: decimal(l.rate), item_total: decimal(l.item_total) }))
      .sort((a, b) => a.zoho_line_item_id.localeCompare(b.zoho_line_item_id)),
  };
}

export function expectedPriceList(book: ZohoRecord) {
  return {
    zoho_pricebook_id: book.pricebook_id,
    name: book.name,
    currency_code: text(book.currency_code),
    pricebook_type: text(book.pricebook_type),
    percentage: decimal(book.percentage),
    is_increase: typeof book.is_increase === 'boolean' ? book.is_increase : null,
    is_active: book.status === 'active',
    deleted: false,
    items: ((book.pricebook_items as ZohoRecord[] | undefined) ?? [])
      .map((e) => ({ zoho_item_id: String(e.item_id), rate: decimal(e.pricebook_rate) }))
      .sort((a, b) => a.zoho_item_id.localeCompare(b.zoho_item_id)),
  };
}

// ---- what PostgreSQL holds, in the same shapes -------------------------------------------------

type Db = Pick<TdsDatabase, 'pool'>;
type Row = Record<string, string | number | boolean | null>;
const rowsOf = async (db: Db, query: string): Promise<Row[]> => (await db.pool.query<Row>(query)).rows;
const epoch = (value: string | null) => (value === null ? null : Math.round(Number(value) * 1000));

export async function storedProducts(db: Db) {
  const rows = await rowsOf(
    db,
    `SELECT p.zoho_item_id, p.name, p.name_ar, p.description, p.sku, p.barcode, p.available_stock::text, p.unit_price::text,
               p.consumer_price::text, p.wholesale_price::text, p.is_active, c.zoho_category_id, c.name AS category_name,
               extract(epoch FROM p.zoho_last_modified_time)::text AS modified, p.deleted_at IS NOT NULL AS deleted,
               p.last_synced_at IS NOT NULL AS synced
        FROM products p LEFT JOIN categories c ON c.id = p.category_id ORDER BY p.zoho_item_id`,
  );
  return rows.map((r) => ({
    zoho_item_id: r.zoho_item_id,
    name: r.name,
    name_ar: r.name_ar,
    description: text(r.description),
    sku: text(r.sku),
    barcode: r.barcode,
    available_stock: decimal(r.available_stock),
    unit_price: decimal(r.unit_price),
    consumer_price: decimal(r.consumer_price),
    wholesale_price: decimal(r.wholesale_price),
    is_active: r.is_active,
    category: r.zoho_category_id === null ? null : { zoho_category_id: r.zoho_category_id, name: r.category_name },
    zoho_last_modified_time: epoch(r.modified as string | null),
    deleted: r.deleted,
    synced: r.synced,
  }));
}

export async function storedStockLevels(db: Db, options: { includeDeleted?: boolean } = {}) {
  const rows = await rowsOf(
    db,
    `SELECT zoho_item_id, zoho_location_id, location_name, stock_on_hand::text, available_stock::text, actual_available_stock::text
        FROM stock_levels WHERE ${options.includeDeleted ? 'true' : 'deleted_at IS NULL'} ORDER BY zoho_item_id, zoho_location_id`,
  );
  return rows.map((r) => ({
    zoho_item_id: r.zoho_item_id,
    zoho_location_id: r.zoho_location_id,
    location_name: text(r.location_name),
    stock_on_hand: decimal(r.stock_on_hand),
    available_stock: decimal(r.available_stock),
    actual_available_stock: decimal(r.actual_available_stock),
  }));
}

export async function storedCustomers(db: Db) {
  const rows = await rowsOf(
    db,
    `SELECT zoho_contact_id, name, company_name, email, phone, mobile, currency_code, outstanding_receivable::text, payment_terms, is_active,
               extract(epoch FROM zoho_last_modified_time)::text AS modified, deleted_at IS NOT NULL AS deleted
        FROM customers ORDER BY zoho_contact_id`,
  );
  return rows.map((r) => ({
    zoho_contact_id: r.zoho_contact_id,
    name: r.name,
    company_name: text(r.company_name),
    email: text(r.email),
    phone: text(r.phone),
    mobile: text(r.mobile),
    currency_code: text(r.currency_code),
    outstanding_receivable: decimal(r.outstanding_receivable),
    payment_terms: r.payment_terms === null ? null : Number(r.payment_terms),
    is_active: r.is_active,
    zoho_last_modified_time: epoch(r.modified as string | null),
    deleted: r.deleted,
  }));
}

export async function storedDocuments(db: Db, kind: 'invoices' | 'bills') {
  const header =
    kind === 'invoices'
      ? 'SELECT zoho_invoice_id AS id, invoice_number AS number, zoho_customer_id AS party_id, customer_name AS party_name'
      : 'SELECT zoho_bill_id AS id, bill_number AS number, zoho_vendor_id AS party_id, vendor_name AS party_name';
  const docs = await rowsOf(
    db,
    `${header}, status, date::text, due_date::text, currency_code, sub_total::text, tax_total::text, total::text, balance::text,
               extract(epoch FROM zoho_last_modified_time)::text AS modified, deleted_at IS NOT NULL AS deleted
        FROM ${kind} ORDER BY 1`,
  );
  const lines = await rowsOf(
    db,
    `SELECT ${kind === 'invoices' ? 'zoho_invoice_id' : 'zoho_bill_id'} AS doc, zoho_line_item_id, zoho_item_id, name, quantity::text, rate::text, item_total::text
        FROM ${kind === 'invoices' ? 'invoice_lines' : 'bill_lines'} WHERE deleted_at IS NULL ORDER BY zoho_line_item_id`,
  );
  return docs.map((d) => ({
    id: d.id,
    number: d.number,
    party_id: text(d.party_id),
    party_name: text(d.party_name),
    status: text(d.status),
    date: text(d.date),
    due_date: text(d.due_date),
    currency_code: text(d.currency_code),
    sub_total: decimal(d.sub_total),
    tax_total: decimal(d.tax_total),
    total: decimal(d.total),
    balance: decimal(d.balance),
    zoho_last_modified_time: epoch(d.modified as string | null),
    deleted: d.deleted,
    lines: lines
      .filter((l) => l.doc === d.id)
      .map((l) => ({ zoho_line_item_id: l.zoho_line_item_id, zoho_item_id: text(l.zoho_item_id), name: text(l.name), quantity: decimal(l.quantity), rate: decimal(l.rate), item_total: decimal(l.item_total) })),
  }));
}

export async function storedPriceLists(db: Db) {
  const books = await rowsOf(
    db,
    `SELECT zoho_pricebook_id, name, currency_code, pricebook_type, percentage::text, is_increase, is_active, deleted_at IS NOT NULL AS deleted
        FROM price_lists ORDER BY zoho_pricebook_id`,
  );
  const items = await rowsOf(
    db,
    `SELECT zoho_pricebook_id, zoho_item_id, rate::text FROM price_list_items WHERE deleted_at IS NULL ORDER BY zoho_item_id`,
  );
  return books.map((b) => ({
    zoho_pricebook_id: b.zoho_pricebook_id,
    name: b.name,
    currency_code: text(b.currency_code),
    pricebook_type: text(b.pricebook_type),
    percentage: decimal(b.percentage),
    is_increase: b.is_increase,
    is_active: b.is_active,
    deleted: b.deleted,
    items: items.filter((i) => i.zoho_pricebook_id === b.zoho_pricebook_id).map((i) => ({ zoho_item_id: String(i.zoho_item_id), rate: decimal(i.rate) })),
  }));
}
