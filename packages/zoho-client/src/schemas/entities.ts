import { z } from 'zod';
import { optionalZohoId, zohoBoolean, zohoDate, zohoDecimal, zohoId, zohoText, zohoTimestamp } from './primitives';

// Every schema is loose: fields Zoho adds later are kept, not dropped.

export const customFieldSchema = z.looseObject({
  customfield_id: optionalZohoId,
  label: zohoText,
  api_name: zohoText,
  value: z.unknown().optional(),
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
  purchase_rate: zohoDecimal,
  unit: zohoText,
  description: zohoText,
  category_id: optionalZohoId,
  category_name: zohoText,
  brand: zohoText,
  stock_on_hand: zohoDecimal,
  available_stock: zohoDecimal,
  actual_available_stock: zohoDecimal,
  custom_fields: z.array(customFieldSchema).optional(),
  custom_field_hash: z.record(z.string(), z.unknown()).optional(),
  locations: z.array(itemLocationSchema).optional(),
  warehouses: z.array(itemWarehouseSchema).optional(),
  created_time: zohoTimestamp,
  last_modified_time: zohoTimestamp,
});

export const compositeItemSchema = itemSchema.extend({
  composite_item_id: optionalZohoId,
  mapped_items: z.array(z.looseObject({ item_id: zohoId, quantity: zohoDecimal })).optional(),
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
  outstanding_payable_amount: zohoDecimal,
  payment_terms: zohoDecimal,
  created_time: zohoTimestamp,
  last_modified_time: zohoTimestamp,
});

export const lineItemSchema = z.looseObject({
  line_item_id: zohoId,
  item_id: optionalZohoId,
  name: zohoText,
  description: zohoText,
  quantity: zohoDecimal,
  rate: zohoDecimal,
  discount: zohoDecimal.optional(),
  tax_id: optionalZohoId,
  item_total: zohoDecimal,
  location_id: optionalZohoId,
});

const documentFields = {
  status: zohoText,
  date: zohoDate,
  due_date: zohoDate,
  currency_code: zohoText,
  exchange_rate: zohoDecimal,
  line_items: z.array(lineItemSchema).optional(),
  sub_total: zohoDecimal,
  tax_total: zohoDecimal,
  total: zohoDecimal,
  balance: zohoDecimal,
  created_time: zohoTimestamp,
  last_modified_time: zohoTimestamp,
};

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

export const creditNoteSchema = z.looseObject({ creditnote_id: zohoId, creditnote_number: zohoText, customer_id: optionalZohoId, ...documentFields });
export const salesOrderSchema = z.looseObject({ salesorder_id: zohoId, salesorder_number: zohoText, customer_id: optionalZohoId, ...documentFields });
export const purchaseOrderSchema = z.looseObject({ purchaseorder_id: zohoId, purchaseorder_number: zohoText, vendor_id: optionalZohoId, ...documentFields });

export const customerPaymentSchema = z.looseObject({
  payment_id: zohoId,
  payment_number: zohoText,
  customer_id: optionalZohoId,
  date: zohoDate,
  amount: zohoDecimal,
  currency_code: zohoText,
  last_modified_time: zohoTimestamp,
});

export const pricebookItemSchema = z.looseObject({
  item_id: zohoId,
  pricebook_rate: zohoDecimal,
  price_brackets: z.array(z.looseObject({ start_quantity: zohoDecimal, end_quantity: zohoDecimal, pricebook_rate: zohoDecimal })).optional(),
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

export const locationSchema = z.looseObject({
  location_id: zohoId,
  location_name: zohoText,
  is_primary_location: zohoBoolean,
  is_location_active: zohoBoolean,
});

export const warehouseSchema = z.looseObject({
  warehouse_id: zohoId,
  warehouse_name: zohoText,
  is_primary: zohoBoolean,
  status: zohoText,
});

export const organizationSchema = z.looseObject({
  organization_id: zohoId,
  name: zohoText,
  currency_code: zohoText,
  time_zone: zohoText,
});

const stockLineSchema = z.looseObject({
  line_item_id: optionalZohoId,
  item_id: zohoId,
  name: zohoText,
  quantity_adjusted: zohoDecimal.optional(),
  quantity_transfer: zohoDecimal.optional(),
  location_id: optionalZohoId,
});

export const inventoryAdjustmentSchema = z.looseObject({
  inventory_adjustment_id: zohoId,
  date: zohoDate,
  reason: zohoText,
  adjustment_type: zohoText,
  line_items: z.array(stockLineSchema).optional(),
  last_modified_time: zohoTimestamp,
});

export const transferOrderSchema = z.looseObject({
  transfer_order_id: zohoId,
  transfer_order_number: zohoText,
  date: zohoDate,
  from_location_id: optionalZohoId,
  to_location_id: optionalZohoId,
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
