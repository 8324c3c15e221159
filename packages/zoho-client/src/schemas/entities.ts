import { z } from 'zod';
import { lenient, lenientFields, optionalZohoId, zohoBoolean, zohoDate, zohoDecimal, zohoId, zohoText, zohoTimestamp } from './primitives';

// Every schema is loose: fields Zoho adds later are kept, not dropped.
//
// Strict or lenient, field by field: a field that feeds a column TDS stores (docs/data-contract.md)
// keeps its strict schema, so a bad value refuses the record with its reason instead of becoming
// null. Every other declared field is wrapped in `lenient(...)`: Zoho sends one field name with
// several types, and a value TDS throws away must never refuse a record (docs/zoho-behaviour.md).
// Ids and `last_modified_time` stay strict everywhere.

/** One entry of `custom_fields[]`. Only `api_name` and `value` are read (the Arabic name); none of them refuses the entry. */
export const customFieldSchema = z.looseObject({
  customfield_id: lenient(optionalZohoId),
  label: lenient(zohoText),
  api_name: lenient(zohoText),
  value: z.unknown().optional(),
});

export type ZohoCustomField = z.output<typeof customFieldSchema>;

/**
 * `custom_fields[]` feeds `products.name_ar`, so it must be an array (or null / absent, read as
 * absent); something else is refused, since the Arabic name may be in it. An entry that is not an
 * object cannot be the Arabic-name field and is dropped instead of refusing the item.
 */
const customFieldsSchema = z
  .union([z.array(z.unknown()), z.null()])
  .optional()
  .transform((entries): ZohoCustomField[] | undefined =>
    entries?.flatMap((entry) => {
      const parsed = customFieldSchema.safeParse(entry);
      return parsed.success ? [parsed.data] : [];
    }),
  );

/**
 * `custom_field_hash` (api name → value) is where the Arabic name is looked up second. Zoho sends
 * `[]` for an item without custom fields: an array reads as `{}`; another non-object, which holds no
 * api names, reads as absent.
 */
const customFieldHashSchema = z
  .unknown()
  .optional()
  .transform((value): Record<string, unknown> | undefined => {
    if (Array.isArray(value)) return {};
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  });

export const itemLocationSchema = z.looseObject({
  location_id: zohoId,
  location_name: zohoText,
  location_stock_on_hand: zohoDecimal,
  location_available_stock: zohoDecimal,
  location_actual_available_stock: zohoDecimal,
});

export const itemWarehouseSchema = z.looseObject({
  warehouse_id: zohoId,
  warehouse_name: zohoText,
  warehouse_stock_on_hand: zohoDecimal,
  warehouse_available_stock: zohoDecimal,
  warehouse_actual_available_stock: zohoDecimal,
});

export const itemSchema = z.looseObject({
  item_id: zohoId,
  name: z.string(),
  sku: zohoText,
  upc: zohoText,
  ean: zohoText,
  isbn: zohoText,
  status: zohoText,
  rate: zohoDecimal,
  purchase_rate: lenient(zohoDecimal),
  unit: lenient(zohoText),
  description: zohoText,
  category_id: optionalZohoId,
  category_name: zohoText,
  brand: lenient(zohoText),
  stock_on_hand: zohoDecimal,
  // products.available_stock comes from stock_on_hand; these two item-level totals are not stored.
  available_stock: lenient(zohoDecimal),
  actual_available_stock: lenient(zohoDecimal),
  custom_fields: customFieldsSchema,
  custom_field_hash: customFieldHashSchema,
  locations: z.array(itemLocationSchema).optional(),
  warehouses: z.array(itemWarehouseSchema).optional(),
  created_time: lenient(zohoTimestamp),
  last_modified_time: zohoTimestamp,
});

export const compositeItemSchema = itemSchema.extend({
  composite_item_id: optionalZohoId,
  mapped_items: lenient(z.array(z.looseObject({ item_id: zohoId, quantity: zohoDecimal }))),
});

export const contactSchema = z.looseObject({
  contact_id: zohoId,
  contact_name: z.string(),
  company_name: zohoText,
  contact_type: zohoText,
  status: zohoText,
  email: zohoText,
  phone: zohoText,
  mobile: zohoText,
  currency_code: zohoText,
  outstanding_receivable_amount: zohoDecimal,
  outstanding_payable_amount: lenient(zohoDecimal),
  payment_terms: zohoDecimal,
  created_time: lenient(zohoTimestamp),
  last_modified_time: zohoTimestamp,
});

export const lineItemSchema = z.looseObject({
  line_item_id: zohoId,
  item_id: optionalZohoId,
  name: zohoText,
  description: zohoText,
  quantity: zohoDecimal,
  rate: zohoDecimal,
  discount: lenient(zohoDecimal),
  tax_id: lenient(optionalZohoId),
  item_total: zohoDecimal,
  location_id: lenient(optionalZohoId),
});

/** The fields invoices and bills share; they are stored except `exchange_rate` and `created_time`. */
const documentFields = {
  status: zohoText,
  date: zohoDate,
  due_date: zohoDate,
  currency_code: zohoText,
  exchange_rate: lenient(zohoDecimal),
  line_items: z.array(lineItemSchema).optional(),
  sub_total: zohoDecimal,
  tax_total: zohoDecimal,
  total: zohoDecimal,
  balance: zohoDecimal,
  created_time: lenient(zohoTimestamp),
  last_modified_time: zohoTimestamp,
};

/** The same fields on documents TDS does not store (credit notes, sales and purchase orders): all lenient but the version. */
const unstoredDocumentFields = { ...lenientFields(documentFields), last_modified_time: zohoTimestamp };

export const invoiceSchema = z.looseObject({
  invoice_id: zohoId,
  invoice_number: zohoText,
  customer_id: optionalZohoId,
  customer_name: zohoText,
  ...documentFields,
});

export const billSchema = z.looseObject({
  bill_id: zohoId,
  bill_number: zohoText,
  vendor_id: optionalZohoId,
  vendor_name: zohoText,
  ...documentFields,
});

// Credit notes, sales and purchase orders and customer payments are not stored by TDS: only their id
// and version are strict.
export const creditNoteSchema = z.looseObject({
  creditnote_id: zohoId,
  ...lenientFields({ creditnote_number: zohoText, customer_id: optionalZohoId }),
  ...unstoredDocumentFields,
});
export const salesOrderSchema = z.looseObject({
  salesorder_id: zohoId,
  ...lenientFields({ salesorder_number: zohoText, customer_id: optionalZohoId }),
  ...unstoredDocumentFields,
});
export const purchaseOrderSchema = z.looseObject({
  purchaseorder_id: zohoId,
  ...lenientFields({ purchaseorder_number: zohoText, vendor_id: optionalZohoId }),
  ...unstoredDocumentFields,
});

export const customerPaymentSchema = z.looseObject({
  payment_id: zohoId,
  ...lenientFields({ payment_number: zohoText, customer_id: optionalZohoId, date: zohoDate, amount: zohoDecimal, currency_code: zohoText }),
  last_modified_time: zohoTimestamp,
});

export const pricebookItemSchema = z.looseObject({
  item_id: zohoId,
  pricebook_rate: zohoDecimal,
  price_brackets: lenient(z.array(z.looseObject({ start_quantity: zohoDecimal, end_quantity: zohoDecimal, pricebook_rate: zohoDecimal }))),
});

export const pricebookSchema = z.looseObject({
  pricebook_id: zohoId,
  name: z.string(),
  currency_code: zohoText,
  status: zohoText,
  pricebook_type: zohoText,
  is_increase: zohoBoolean,
  percentage: zohoDecimal,
  rounding_type: zohoText,
  pricebook_items: z.array(pricebookItemSchema).optional(),
});

// Locations, warehouses and organizations are not stored (a stock row's location name comes from the
// item's own `locations[]`): only their id is strict.
export const locationSchema = z.looseObject({
  location_id: zohoId,
  ...lenientFields({ location_name: zohoText, is_primary_location: zohoBoolean, is_location_active: zohoBoolean }),
});

export const warehouseSchema = z.looseObject({
  warehouse_id: zohoId,
  ...lenientFields({ warehouse_name: zohoText, is_primary: zohoBoolean, status: zohoText }),
});

export const organizationSchema = z.looseObject({
  organization_id: zohoId,
  ...lenientFields({ name: zohoText, currency_code: zohoText, time_zone: zohoText }),
});

// Stock movements only tell TDS which items to refresh: the lines' `item_id` is strict, the rest is not stored.
const stockLineSchema = z.looseObject({
  item_id: zohoId,
  ...lenientFields({ line_item_id: optionalZohoId, name: zohoText, quantity_adjusted: zohoDecimal, quantity_transfer: zohoDecimal, location_id: optionalZohoId }),
});

export const inventoryAdjustmentSchema = z.looseObject({
  inventory_adjustment_id: zohoId,
  ...lenientFields({ date: zohoDate, reason: zohoText, adjustment_type: zohoText }),
  line_items: z.array(stockLineSchema).optional(),
  last_modified_time: zohoTimestamp,
});

export const transferOrderSchema = z.looseObject({
  transfer_order_id: zohoId,
  ...lenientFields({ transfer_order_number: zohoText, date: zohoDate, from_location_id: optionalZohoId, to_location_id: optionalZohoId }),
  line_items: z.array(stockLineSchema).optional(),
  last_modified_time: zohoTimestamp,
});

export type ZohoItem = z.output<typeof itemSchema>;
export type ZohoCompositeItem = z.output<typeof compositeItemSchema>;
export type ZohoContact = z.output<typeof contactSchema>;
export type ZohoLineItem = z.output<typeof lineItemSchema>;
export type ZohoInvoice = z.output<typeof invoiceSchema>;
export type ZohoBill = z.output<typeof billSchema>;
export type ZohoCreditNote = z.output<typeof creditNoteSchema>;
export type ZohoSalesOrder = z.output<typeof salesOrderSchema>;
export type ZohoPurchaseOrder = z.output<typeof purchaseOrderSchema>;
export type ZohoCustomerPayment = z.output<typeof customerPaymentSchema>;
export type ZohoPricebook = z.output<typeof pricebookSchema>;
export type ZohoPricebookItem = z.output<typeof pricebookItemSchema>;
export type ZohoLocation = z.output<typeof locationSchema>;
export type ZohoWarehouse = z.output<typeof warehouseSchema>;
export type ZohoOrganization = z.output<typeof organizationSchema>;
export type ZohoInventoryAdjustment = z.output<typeof inventoryAdjustmentSchema>;
export type ZohoTransferOrder = z.output<typeof transferOrderSchema>;
