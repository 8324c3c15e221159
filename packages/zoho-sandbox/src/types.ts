/**
 * The sandbox's truth: what Zoho "really" holds. Money and quantities are exact
 * decimal strings; timestamps are epoch milliseconds (whole seconds). The HTTP
 * layer renders these records the way Zoho does (numbers, numeric strings or
 * `""`, `+0300` timestamps); tests compare the ERP tables with this truth.
 */

/** How a record's numeric fields are rendered: JSON numbers (most), numeric strings, or `""` also for zero optionals. */
export type SandboxNumberStyle = 'number' | 'string' | 'blank-zero';

export interface SandboxLocation {
  location_id: string;
  location_name: string;
  is_primary_location: boolean;
  is_location_active: boolean;
  city: string;
}

export interface SandboxItemStock {
  location_id: string;
  stock_on_hand: string;
  committed_stock: string;
}

export interface SandboxItem {
  item_id: string;
  name: string;
  /** The Arabic name custom field; null when the item has none. */
  name_ar: string | null;
  /** Whether an item without an Arabic name still carries the custom field with value "". */
  name_ar_field_present: boolean;
  sku: string;
  ean: string;
  upc: string;
  isbn: string;
  status: 'active' | 'inactive';
  /** `goods` items track stock per location; `service` items have no stock. */
  product_type: 'goods' | 'service';
  rate: string;
  purchase_rate: string | null;
  /** Currency of rate/purchase_rate: most items are priced in IQD, some in USD (custom field cf_price_currency). */
  price_currency: 'IQD' | 'USD';
  unit: string;
  description: string;
  category_id: string;
  category_name: string;
  brand: string;
  stock: SandboxItemStock[];
  number_style: SandboxNumberStyle;
  created_time: number;
  last_modified_time: number;
}

export interface SandboxContact {
  contact_id: string;
  contact_name: string;
  company_name: string;
  contact_type: 'customer' | 'vendor';
  status: 'active' | 'inactive';
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  mobile: string;
  currency_code: 'IQD' | 'USD';
  outstanding_receivable_amount: string;
  outstanding_payable_amount: string;
  payment_terms: number;
  city: string;
  address: string;
  number_style: SandboxNumberStyle;
  created_time: number;
  last_modified_time: number;
}

export interface SandboxLineItem {
  line_item_id: string;
  /** Empty for a free-text line that is not tied to an item (Zoho allows those). */
  item_id: string;
  name: string;
  description: string;
  sku: string;
  unit: string;
  quantity: string;
  rate: string;
  /** Percentage discount on the line. */
  discount: string;
  tax_id: string;
  tax_name: string;
  tax_percentage: string;
  item_total: string;
  location_id: string;
  location_name: string;
}

export type SandboxInvoiceStatus = 'draft' | 'sent' | 'overdue' | 'paid' | 'void' | 'unpaid' | 'partially_paid' | 'viewed';
export type SandboxBillStatus = 'draft' | 'open' | 'overdue' | 'paid' | 'void' | 'partially_paid';

interface SandboxDocumentBase {
  status: string;
  date: string;
  due_date: string;
  currency_code: 'IQD' | 'USD';
  exchange_rate: string;
  line_items: SandboxLineItem[];
  sub_total: string;
  tax_total: string;
  total: string;
  balance: string;
  reference_number: string;
  number_style: SandboxNumberStyle;
  created_time: number;
  last_modified_time: number;
}

export interface SandboxInvoice extends SandboxDocumentBase {
  invoice_id: string;
  invoice_number: string;
  customer_id: string;
  customer_name: string;
  status: SandboxInvoiceStatus;
}

export interface SandboxBill extends SandboxDocumentBase {
  bill_id: string;
  bill_number: string;
  vendor_id: string;
  vendor_name: string;
  status: SandboxBillStatus;
}

export interface SandboxPricebook {
  pricebook_id: string;
  name: string;
  description: string;
  currency_code: 'IQD' | 'USD';
  status: 'active' | 'inactive';
  pricebook_type: 'per_item' | 'fixed_percentage';
  is_increase: boolean;
  percentage: string;
  rounding_type: 'no_rounding' | 'round_to_dollar_minus_01' | 'round_to_dollar' | 'round_to_dollar_minus_1';
  decimal_place: number;
  /** item_id → pricebook_rate (per_item books only). */
  rates: Map<string, string>;
}

/** Documents that only need to answer list/detail correctly (small lists). */
export interface SandboxMinorRecord {
  id: string;
  number: string;
  contact_id: string;
  contact_name: string;
  status: string;
  date: string;
  currency_code: 'IQD' | 'USD';
  total: string;
  line_items: SandboxLineItem[];
  /** For transfer orders: source and destination locations. */
  from_location_id?: string;
  to_location_id?: string;
  reason?: string;
  /** For composite items: the bundle's name. */
  name?: string;
  created_time: number;
  last_modified_time: number;
}

export type SandboxMinorEntity =
  | 'salesorder'
  | 'purchaseorder'
  | 'creditnote'
  | 'customerpayment'
  | 'inventoryadjustment'
  | 'transferorder'
  | 'compositeitem';

/** Entities that can be created, updated, deleted and sent as webhooks. */
export type SandboxEntity = 'item' | 'contact' | 'invoice' | 'bill' | 'pricebook';

export interface SandboxChange {
  entity: SandboxEntity;
  id: string;
  kind: 'create' | 'update' | 'delete';
  /** What changed, for logs and tests (e.g. "rate", "stock", "line-added"). */
  detail: string;
}

export interface SandboxOrganization {
  organization_id: string;
  name: string;
  currency_code: 'IQD';
  time_zone: string;
  created_time: number;
}
