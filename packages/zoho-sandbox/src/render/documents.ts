import { dec, money } from '../money';
import type { SandboxBill, SandboxInvoice, SandboxLineItem, SandboxNumberStyle } from '../types';
import { currencyId } from './contacts';
import { zohoNumber, zohoTime } from './numbers';

export function renderLine(line: SandboxLineItem, index: number, style: SandboxNumberStyle) {
  const gross = dec(line.quantity).times(line.rate);
  return {
    line_item_id: line.line_item_id,
    item_id: line.item_id,
    name: line.name,
    description: line.description,
    sku: line.sku,
    item_order: index + 1,
    quantity: zohoNumber(line.quantity, style),
    unit: line.unit,
    rate: zohoNumber(line.rate, style),
    discount: zohoNumber(line.discount, style, { optional: true }),
    discount_amount: zohoNumber(money(gross.minus(line.item_total).clampedTo(0, Infinity), 2), style, { optional: true }),
    tax_id: line.tax_id,
    tax_name: line.tax_name,
    tax_percentage: zohoNumber(line.tax_percentage, style, { optional: true }),
    item_total: zohoNumber(line.item_total, style),
    location_id: line.location_id,
    location_name: line.location_name,
    warehouse_id: line.location_id,
    warehouse_name: line.location_name,
  };
}

function amounts(doc: SandboxInvoice | SandboxBill) {
  const style = doc.number_style;
  return {
    currency_id: currencyId(doc.currency_code),
    currency_code: doc.currency_code,
    exchange_rate: zohoNumber(doc.exchange_rate, style),
    total: zohoNumber(doc.total, style),
    balance: zohoNumber(doc.balance, style, { optional: true }),
  };
}

function details(doc: SandboxInvoice | SandboxBill) {
  const style = doc.number_style;
  return {
    discount_type: 'item_level',
    is_discount_before_tax: true,
    line_items: doc.line_items.map((line, i) => renderLine(line, i, style)),
    sub_total: zohoNumber(doc.sub_total, style),
    tax_total: zohoNumber(doc.tax_total, style, { optional: true }),
    adjustment: zohoNumber('0', style, { optional: true }),
    shipping_charge: zohoNumber('0', style, { optional: true }),
    notes: '',
    terms: '',
  };
}

function invoiceRow(invoice: SandboxInvoice) {
  return {
    invoice_id: invoice.invoice_id,
    invoice_number: invoice.invoice_number,
    customer_id: invoice.customer_id,
    customer_name: invoice.customer_name,
    status: invoice.status,
    date: invoice.date,
    due_date: invoice.due_date,
    reference_number: invoice.reference_number,
    ...amounts(invoice),
    created_time: zohoTime(invoice.created_time),
    last_modified_time: zohoTime(invoice.last_modified_time),
  };
}

/** List rows of invoices carry no line items and no sub_total / tax_total. */
export const renderInvoiceRow = invoiceRow;

export function renderInvoice(invoice: SandboxInvoice) {
  return { ...invoiceRow(invoice), ...details(invoice) };
}

function billRow(bill: SandboxBill) {
  return {
    bill_id: bill.bill_id,
    bill_number: bill.bill_number,
    vendor_id: bill.vendor_id,
    vendor_name: bill.vendor_name,
    status: bill.status,
    date: bill.date,
    due_date: bill.due_date,
    reference_number: bill.reference_number,
    ...amounts(bill),
    created_time: zohoTime(bill.created_time),
    last_modified_time: zohoTime(bill.last_modified_time),
  };
}

/** List rows of bills carry no line items and no sub_total / tax_total. */
export const renderBillRow = billRow;

export function renderBill(bill: SandboxBill) {
  return { ...billRow(bill), ...details(bill) };
}
