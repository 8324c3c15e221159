import { zohoTime } from './zoho-time';

/** A Zoho record as the API sends it: plain JSON, hostile values included. */
export type ZohoRecord = Record<string, unknown>;

/** 19-digit ids as Zoho sends them (beyond Number.MAX_SAFE_INTEGER: any float round trip corrupts them). */
export const zid = (n: number): string => `53120000${String(n).padStart(11, '0')}`;

export const ORGANIZATION_ID = '20047811923';
export const BASE_TIME = Date.parse('2025-06-03T11:22:47Z'); // 2025-06-03T14:22:47+0300
const at = (minutes: number) => zohoTime(BASE_TIME + minutes * 60_000);

export const LONG_DESCRIPTION = `وصف طويل "Long" description with 'quotes', back\\slashes, <tags> & emoji 🧪🔥 — `.repeat(40).slice(0, 2000);
export const INJECTION = "'); DROP TABLE products;--";

export const ID = {
  catLighting: zid(11),
  catTools: zid(12),
  locBaghdad: zid(21),
  locBasra: zid(22),
  lamp: zid(101),
  heater: zid(102),
  injection: zid(103),
  emoji: zid(104),
  inactive: zid(105),
  bulk: zid(106),
  toDelete: zid(107),
  nameless: zid(108),
  badRate: zid(109),
  alnoor: zid(201),
  obrien: zid(202),
  vendor: zid(203),
  dropCustomer: zid(204),
  bigInvoice: zid(301),
  draftInvoice: zid(302),
  linesInvoice: zid(303),
  badTotalInvoice: zid(304),
  voidInvoice: zid(305),
  bill: zid(401),
  badLineBill: zid(402),
  consumer: zid(501),
  wholesale: zid(502),
  promo: zid(503),
  adjustment: zid(601),
};

const line = (n: number, fields: ZohoRecord): ZohoRecord => ({ line_item_id: zid(n), discount: 0, tax_id: '', location_id: ID.locBaghdad, ...fields });

export function locations(): ZohoRecord[] {
  return [
    { location_id: ID.locBaghdad, location_name: 'المستودع الرئيسي (Baghdad)', is_primary_location: true, is_location_active: true, type: 'general' },
    { location_id: ID.locBasra, location_name: 'Basra 🏭 "North"', is_primary_location: false, is_location_active: true },
  ];
}

/** Items as Inventory's detail / itemdetails sends them (list rows are reduced by the server). */
export function items(): ZohoRecord[] {
  return [
    {
      item_id: ID.lamp, name: 'LED Lamp 9W', sku: 'LMP-9W', ean: '', upc: '012345678905', isbn: null, status: 'active',
      rate: '1250.50', purchase_rate: 900, unit: 'pcs', description: 'Warm white', category_id: ID.catLighting, category_name: 'Lighting 💡 / إضاءة',
      brand: 'Nour', stock_on_hand: 15, available_stock: 12, actual_available_stock: 12,
      custom_fields: [
        { customfield_id: zid(9001), label: 'Warranty', api_name: 'cf_warranty', value: '2 years' },
        { customfield_id: zid(9002), label: 'Arabic Name', api_name: 'cf_name_ar', value: 'مصباح ليد ٩ واط 💡', data_type: 'string' },
      ],
      locations: [
        { location_id: ID.locBaghdad, location_name: 'المستودع الرئيسي (Baghdad)', location_stock_on_hand: 10, location_available_stock: 8, location_actual_available_stock: 8 },
        { location_id: ID.locBasra, location_name: 'Basra 🏭 "North"', location_stock_on_hand: '5.000', location_available_stock: '4', location_actual_available_stock: '4.5' },
      ],
      created_time: at(0), last_modified_time: at(1),
    },
    {
      item_id: ID.heater, name: 'Heater "Arctic" 2000W', sku: 'HTR-2000', ean: '6291041500213', upc: '036000291452', isbn: '', status: 'active',
      rate: 3500, unit: 'pcs', description: null, category_id: ID.catTools, category_name: 'Tools',
      stock_on_hand: '', available_stock: '', actual_available_stock: '',
      custom_field_hash: { cf_name_ar: 'مدفأة "آركتك"', cf_warranty: '1 year' },
      locations: [
        { location_id: ID.locBaghdad, location_name: 'المستودع الرئيسي (Baghdad)', location_stock_on_hand: '7', location_available_stock: '7', location_actual_available_stock: '7' },
        { location_id: ID.locBasra, location_name: 'Basra 🏭 "North"', location_stock_on_hand: 0, location_available_stock: 0, location_actual_available_stock: 0 },
      ],
      created_time: at(0), last_modified_time: at(2),
    },
    {
      item_id: ID.injection, name: INJECTION, sku: `SKU'"\\`, ean: '', upc: '', isbn: '9780306406157', status: 'active',
      rate: '0.10', description: LONG_DESCRIPTION, category_id: ID.catTools, category_name: 'Tools',
      stock_on_hand: '3.5', available_stock: 3.5, actual_available_stock: '3.5',
      custom_fields: [{ customfield_id: zid(9002), label: 'Arabic Name', api_name: 'cf_name_ar', value: "'); DROP TABLE products;-- بالعربي" }],
      warehouses: [
        { warehouse_id: ID.locBaghdad, warehouse_name: 'المستودع الرئيسي (Baghdad)', warehouse_stock_on_hand: '3.5', warehouse_available_stock: '3', warehouse_actual_available_stock: '3.25' },
      ],
      created_time: at(0), last_modified_time: at(3),
    },
    {
      item_id: ID.emoji, name: '🔥🔥 Hot Deal 🔥🔥', sku: null, ean: null, upc: '', isbn: '', status: 'active', rate: '', unit: null,
      stock_on_hand: 0, x_unknown_field: { nested: [1, 'two', { three: null }] }, cf_not_a_field: 'zzz', image_documents: [],
      created_time: at(0), last_modified_time: at(4),
    },
    {
      item_id: ID.inactive, name: 'Old Fan (discontinued)', sku: 'FAN-OLD', ean: '', upc: '', isbn: '', status: 'inactive', rate: 80,
      description: '', category_id: ID.catTools, category_name: 'Tools', stock_on_hand: '0', available_stock: 0, actual_available_stock: 0,
      custom_fields: [], locations: [], created_time: at(0), last_modified_time: at(5),
    },
    {
      item_id: ID.bulk, name: 'Cement 50kg', sku: 'CEM-50', ean: '', upc: '', isbn: '', status: 'active', rate: 1250000000.125,
      description: 'Bulk', stock_on_hand: 1000000.5, available_stock: '1000000.5', actual_available_stock: '1000000.5',
      custom_fields: [{ customfield_id: zid(9002), label: 'Arabic Name', api_name: 'cf_name_ar', value: '' }],
      locations: [], created_time: at(0), last_modified_time: at(6),
    },
    {
      item_id: ID.toDelete, name: 'Soon Deleted Item', sku: 'DEL-1', status: 'active', rate: '5', stock_on_hand: 1, available_stock: 1, actual_available_stock: 1,
      locations: [{ location_id: ID.locBasra, location_name: 'Basra 🏭 "North"', location_stock_on_hand: 1, location_available_stock: 1, location_actual_available_stock: 1 }],
      created_time: at(0), last_modified_time: at(7),
    },
    // INVALID: no name.
    { item_id: ID.nameless, sku: 'NO-NAME', status: 'active', rate: 1, stock_on_hand: 1, created_time: at(0), last_modified_time: at(8) },
    // INVALID: a rate that is not a number.
    { item_id: ID.badRate, name: 'Bad Rate Item', sku: 'BAD-RATE', status: 'active', rate: 'abc', stock_on_hand: 1, created_time: at(0), last_modified_time: at(9) },
  ];
}

export function contacts(): ZohoRecord[] {
  return [
    {
      contact_id: ID.alnoor, contact_name: 'شركة النور للتجارة العامة', company_name: 'Al-Noor "General" Trading', contact_type: 'customer', status: 'active',
      email: 'info@alnoor.iq', phone: '+964 770 000 0000', mobile: '', currency_code: 'IQD', outstanding_receivable_amount: '1250000000.125',
      payment_terms: 30, payment_terms_label: 'Net 30', billing_address: { address: 'شارع الرشيد', city: 'بغداد', country: 'Iraq' },
      contact_persons: [{ contact_person_id: zid(2011), first_name: 'علي', email: 'ali@alnoor.iq' }],
      created_time: at(0), last_modified_time: at(10),
    },
    {
      contact_id: ID.obrien, contact_name: "O'Brien & Sons 🍀", contact_type: 'customer', status: 'inactive', email: null, phone: '',
      currency_code: 'USD', outstanding_receivable_amount: 0, payment_terms: '', created_time: at(0), last_modified_time: at(11),
    },
    {
      contact_id: ID.vendor, contact_name: 'مورد الخليج Gulf Supplier', company_name: 'Gulf Supply Co', contact_type: 'vendor', status: 'active',
      email: 'sales@gulf.example', currency_code: 'USD', outstanding_receivable_amount: '', outstanding_payable_amount: '16500.55',
      payment_terms: 15, created_time: at(0), last_modified_time: at(12),
    },
    {
      contact_id: ID.dropCustomer, contact_name: "Robert'); DROP TABLE customers;--", company_name: '', contact_type: 'customer', status: 'active',
      email: 'bobby@tables.example', phone: null, mobile: '07700000000', currency_code: 'IQD', outstanding_receivable_amount: '0.00',
      payment_terms: 0, created_time: at(0), last_modified_time: at(13), unknown_block: { deep: { deeper: true } },
    },
  ];
}

/** Invoices as the detail GET sends them (list rows are reduced by the server). */
export function invoices(): ZohoRecord[] {
  return [
    {
      invoice_id: ID.bigInvoice, invoice_number: 'INV-000001', customer_id: ID.alnoor, customer_name: 'شركة النور للتجارة العامة', status: 'sent',
      date: '2025-06-01', due_date: '2025-07-01', currency_code: 'IQD', exchange_rate: 1,
      sub_total: '1250000000.125', tax_total: 0, total: 1250000000.125, balance: '1250000000.125',
      line_items: [
        line(3011, { item_id: ID.lamp, name: 'LED Lamp 9W', description: 'مصباح', quantity: 1000000, rate: '1250.000125', item_total: '1250000125.00', item_order: 1 }),
        line(3012, { item_id: '', name: 'Delivery / توصيل 🚚', quantity: '1', rate: '-124.875', item_total: '-124.875', item_order: 2 }),
      ],
      created_time: at(0), last_modified_time: at(20),
    },
    {
      invoice_id: ID.draftInvoice, invoice_number: "INV-000002 'draft'", customer_id: ID.obrien, customer_name: "O'Brien & Sons 🍀", status: 'draft',
      date: '2025-06-02', due_date: '', currency_code: 'USD', exchange_rate: '1310.5',
      sub_total: '0.10', tax_total: '', total: '0.10', balance: '0.10',
      line_items: [line(3021, { item_id: ID.emoji, name: '🔥🔥 Hot Deal 🔥🔥', quantity: '0.1', rate: '1', item_total: '0.1', x_line_extra: { a: 1 } })],
      created_time: at(0), last_modified_time: at(21),
    },
    {
      invoice_id: ID.linesInvoice, invoice_number: 'INV-000003', customer_id: ID.dropCustomer, customer_name: "Robert'); DROP TABLE customers;--", status: 'overdue',
      date: '2025-05-01', due_date: '2025-05-31', currency_code: 'IQD', exchange_rate: 1,
      sub_total: 3000, tax_total: '150.5', total: '3150.5', balance: 3150.5,
      line_items: [
        line(3031, { item_id: ID.heater, name: 'Heater "Arctic" 2000W', quantity: 1, rate: 1000, item_total: 1000 }),
        line(3032, { item_id: ID.injection, name: INJECTION, quantity: 2, rate: '500', item_total: '1000' }),
        line(3033, { item_id: ID.bulk, name: 'Cement 50kg', quantity: '1', rate: '1000.000', item_total: '1000' }),
      ],
      created_time: at(0), last_modified_time: at(22),
    },
    // INVALID: a total that is not a number (in its list row too).
    {
      invoice_id: ID.badTotalInvoice, invoice_number: 'INV-000004', customer_id: ID.alnoor, customer_name: 'شركة النور للتجارة العامة', status: 'sent',
      date: '2025-06-03', due_date: '2025-06-30', currency_code: 'IQD', sub_total: '1', tax_total: '0', total: 'abc', balance: '1',
      line_items: [line(3041, { item_id: ID.lamp, name: 'LED Lamp 9W', quantity: 1, rate: 1, item_total: 1 })],
      created_time: at(0), last_modified_time: at(23),
    },
    {
      invoice_id: ID.voidInvoice, invoice_number: 'INV-000005', customer_id: ID.alnoor, customer_name: 'Al-Noor "General" Trading', status: 'void',
      date: '2025-06-03', due_date: '2025-06-03', currency_code: 'IQD', sub_total: '0', tax_total: '0', total: '0', balance: '0',
      line_items: [], created_time: at(0), last_modified_time: at(24),
    },
  ];
}

export function bills(): ZohoRecord[] {
  return [
    {
      bill_id: ID.bill, bill_number: 'BILL/2025/001 "A"', vendor_id: ID.vendor, vendor_name: 'مورد الخليج Gulf Supplier', status: 'open',
      date: '2025-06-01', due_date: '2025-06-16', currency_code: 'USD', exchange_rate: '1310',
      sub_total: '15000.5', tax_total: '1500.05', total: '16500.55', balance: 0,
      line_items: [
        line(4011, { item_id: ID.lamp, name: 'LED Lamp 9W', quantity: '12000.5', rate: '1', item_total: '12000.5', account_id: zid(7001) }),
        line(4012, { item_id: '', name: 'Freight — شحن', quantity: 1, rate: '3000', item_total: '3000.000' }),
      ],
      created_time: at(0), last_modified_time: at(30),
    },
    // INVALID in its detail only: a line rate that is not a number.
    {
      bill_id: ID.badLineBill, bill_number: 'BILL/2025/002', vendor_id: ID.vendor, vendor_name: 'مورد الخليج Gulf Supplier', status: 'open',
      date: '2025-06-02', due_date: '2025-06-17', currency_code: 'USD', sub_total: '12', tax_total: '0', total: '12', balance: '12',
      line_items: [line(4021, { item_id: ID.heater, name: 'Heater', quantity: 1, rate: 'twelve', item_total: '12' })],
      created_time: at(0), last_modified_time: at(31),
    },
  ];
}

export function pricebooks(): ZohoRecord[] {
  return [
    {
      pricebook_id: ID.consumer, name: 'Consumer Price List', currency_code: 'IQD', status: 'active', pricebook_type: 'per_item',
      is_increase: true, percentage: '', rounding_type: 'no_rounding',
      pricebook_items: [
        { item_id: ID.lamp, pricebook_rate: '1300.000', price_brackets: [] },
        { item_id: ID.heater, pricebook_rate: 4000, price_brackets: [] },
        { item_id: ID.injection, pricebook_rate: '0.15', price_brackets: [] },
      ],
    },
    {
      pricebook_id: ID.wholesale, name: 'Wholesale Price List', currency_code: 'IQD', status: 'active', pricebook_type: 'per_item',
      is_increase: false, percentage: 0, rounding_type: 'no_rounding',
      pricebook_items: [
        { item_id: ID.lamp, pricebook_rate: '1100.25', price_brackets: [] },
        { item_id: ID.injection, pricebook_rate: 0.08 },
        { item_id: ID.inactive, pricebook_rate: '75' },
        { item_id: ID.bulk, pricebook_rate: '1200000000.1' },
      ],
    },
    {
      pricebook_id: ID.promo, name: 'Ramadan 10% 🌙', currency_code: 'IQD', status: 'inactive', pricebook_type: 'fixed_percentage',
      is_increase: false, percentage: '10.00', rounding_type: 'round_to_dollar',
    },
  ];
}

export function inventoryAdjustments(): ZohoRecord[] {
  return [
    {
      inventory_adjustment_id: ID.adjustment, reference_number: 'ADJ-1', date: '2025-06-02', reason: 'Damaged', adjustment_type: 'quantity',
      line_items: [{ line_item_id: zid(6011), item_id: ID.heater, name: 'Heater', quantity_adjusted: -2, location_id: ID.locBaghdad }],
      created_time: at(0), last_modified_time: at(40),
    },
  ];
}

/** The price books' names (and rates) that the default configuration maps to consumer / wholesale prices. */
export const CONSUMER = 'Consumer Price List';
export const WHOLESALE = 'Wholesale Price List';

/** Records that must land in the DLQ (id → entity), everything else must sync. */
export const INVALID = { products: [ID.nameless, ID.badRate], invoices: [ID.badTotalInvoice], bills: [ID.badLineBill] };
