import { parseWebhookRecord } from '../src/transform/entities';

// Zoho-shaped raw records for apply / handler tests, parsed with the same schemas the handlers use.

let sequence = 0;
export const zohoId = () => `4815000000${String(100000000 + ++sequence).padStart(9, '0')}`;

export const zohoTime = (iso: string) => iso.replace(/([+-]\d{2}):(\d{2})$/, '$1$2').replace(/Z$/, '+0000');

export function rawItem(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    item_id: zohoId(),
    name: 'USB-C Cable 1m',
    sku: 'CAB-001',
    ean: '',
    upc: '012345678905',
    isbn: '',
    status: 'active',
    rate: 12500,
    description: 'Braided cable',
    category_id: '4815000000000000777',
    category_name: 'Cables',
    stock_on_hand: '40.00',
    custom_fields: [{ customfield_id: '1', label: 'Arabic Name', api_name: 'cf_name_ar', value: 'كابل' }],
    locations: [
      { location_id: 'L1', location_name: 'Baghdad', location_stock_on_hand: '30', location_available_stock: '30', location_actual_available_stock: '28' },
      { location_id: 'L2', location_name: 'Basra', location_stock_on_hand: '10', location_available_stock: '10', location_actual_available_stock: '10' },
    ],
    last_modified_time: '2025-06-03T14:22:47+0300',
    ...overrides,
  };
}

export function rawContact(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    contact_id: zohoId(),
    contact_name: 'Al-Rafidain Trading',
    company_name: 'Al-Rafidain Trading LLC',
    contact_type: 'customer',
    status: 'active',
    email: 'buyer@rafidain.example',
    phone: '+964 1 555 0101',
    mobile: '+964 770 000 0101',
    currency_code: 'IQD',
    outstanding_receivable_amount: '1500000.000',
    payment_terms: 30,
    payment_terms_label: 'Net 30',
    last_modified_time: '2025-06-03T10:00:00+0300',
    ...overrides,
  };
}

export function rawLine(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { line_item_id: zohoId(), item_id: zohoId(), name: 'Charger', description: 'Fast charger', quantity: 2, rate: '25000', item_total: 50000, ...overrides };
}

export function rawInvoice(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    invoice_id: zohoId(),
    invoice_number: 'INV-000001',
    customer_id: zohoId(),
    customer_name: 'Al-Rafidain Trading',
    status: 'sent',
    date: '2025-06-01',
    due_date: '2025-07-01',
    currency_code: 'IQD',
    line_items: [rawLine(), rawLine({ name: 'Cable', quantity: '3', rate: 5000, item_total: '15000' })],
    sub_total: 65000,
    tax_total: 0,
    total: '65000',
    balance: '65000',
    last_modified_time: '2025-06-03T11:00:00+0300',
    ...overrides,
  };
}

export function rawBill(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    bill_id: zohoId(),
    bill_number: 'BILL-0001',
    vendor_id: zohoId(),
    vendor_name: 'Shenzhen Parts Co.',
    status: 'open',
    date: '2025-05-20',
    due_date: '2025-06-20',
    currency_code: 'USD',
    line_items: [rawLine({ rate: '1.25', quantity: 1000, item_total: '1250.00' })],
    sub_total: '1250.00',
    tax_total: '0.00',
    total: '1250.00',
    balance: '1250.00',
    last_modified_time: '2025-06-02T09:00:00+0300',
    ...overrides,
  };
}

export function rawPricebook(items: Array<{ item_id: string; pricebook_rate: string | number }>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pricebook_id: zohoId(),
    name: 'Consumer Price List',
    currency_code: 'IQD',
    status: 'active',
    pricebook_type: 'per_item',
    is_increase: false,
    percentage: 0,
    pricebook_items: items,
    ...overrides,
  };
}

export const item = (raw: Record<string, unknown>) => parseWebhookRecord('item', raw);
export const contact = (raw: Record<string, unknown>) => parseWebhookRecord('contact', raw);
export const invoice = (raw: Record<string, unknown>) => parseWebhookRecord('invoice', raw);
export const bill = (raw: Record<string, unknown>) => parseWebhookRecord('bill', raw);
export const pricebook = (raw: Record<string, unknown>) => parseWebhookRecord('pricebook', raw);
