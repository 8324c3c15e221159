import type { SandboxMinorEntity, SandboxMinorRecord } from '../types';
import { renderLine } from './documents';
import { zohoTime } from './numbers';

export interface MinorShape {
  listKey: string;
  detailKey: string;
  idKey: string;
  path: string;
}

export const MINOR_SHAPES: Record<SandboxMinorEntity, MinorShape> = {
  salesorder: { listKey: 'salesorders', detailKey: 'salesorder', idKey: 'salesorder_id', path: 'salesorders' },
  purchaseorder: { listKey: 'purchaseorders', detailKey: 'purchaseorder', idKey: 'purchaseorder_id', path: 'purchaseorders' },
  creditnote: { listKey: 'creditnotes', detailKey: 'creditnote', idKey: 'creditnote_id', path: 'creditnotes' },
  customerpayment: { listKey: 'customerpayments', detailKey: 'payment', idKey: 'payment_id', path: 'customerpayments' },
  inventoryadjustment: { listKey: 'inventory_adjustments', detailKey: 'inventory_adjustment', idKey: 'inventory_adjustment_id', path: 'inventoryadjustments' },
  transferorder: { listKey: 'transfer_orders', detailKey: 'transfer_order', idKey: 'transfer_order_id', path: 'transferorders' },
  compositeitem: { listKey: 'composite_items', detailKey: 'composite_item', idKey: 'composite_item_id', path: 'compositeitems' },
};

const NUMBER_KEY: Record<SandboxMinorEntity, string> = {
  salesorder: 'salesorder_number',
  purchaseorder: 'purchaseorder_number',
  creditnote: 'creditnote_number',
  customerpayment: 'payment_number',
  inventoryadjustment: 'reference_number',
  transferorder: 'transfer_order_number',
  compositeitem: 'sku',
};

export function renderMinorRow(entity: SandboxMinorEntity, record: SandboxMinorRecord) {
  const row: Record<string, unknown> = {
    [MINOR_SHAPES[entity].idKey]: record.id,
    [NUMBER_KEY[entity]]: record.number,
    status: record.status,
    date: record.date,
    created_time: zohoTime(record.created_time),
    last_modified_time: zohoTime(record.last_modified_time),
  };
  if (entity === 'purchaseorder') Object.assign(row, { vendor_id: record.contact_id, vendor_name: record.contact_name });
  else if (record.contact_id) Object.assign(row, { customer_id: record.contact_id, customer_name: record.contact_name });
  if (entity === 'compositeitem') {
    delete row.date;
    Object.assign(row, { name: record.name ?? record.number, unit: 'set', rate: Number(record.total), purchase_rate: '', product_type: 'goods', is_combo_product: true, description: '' });
  } else if (entity === 'inventoryadjustment') Object.assign(row, { reason: record.reason, adjustment_type: 'quantity' });
  else if (entity === 'transferorder') Object.assign(row, { from_location_id: record.from_location_id ?? '', to_location_id: record.to_location_id ?? '' });
  else if (entity === 'customerpayment') Object.assign(row, { amount: Number(record.total), payment_mode: 'cash', currency_code: record.currency_code });
  else Object.assign(row, { total: Number(record.total), currency_code: record.currency_code });
  if (entity === 'creditnote') row.balance = Number(record.total);
  return row;
}

export function renderMinor(entity: SandboxMinorEntity, record: SandboxMinorRecord) {
  const row = renderMinorRow(entity, record);
  if (entity === 'customerpayment') return { ...row, invoices: [] };
  const lines = record.line_items.map((line, i) => {
    const rendered: Record<string, unknown> = renderLine(line, i, 'number');
    if (entity === 'inventoryadjustment') return { line_item_id: line.line_item_id, item_id: line.item_id, name: line.name, quantity_adjusted: Number(line.quantity), location_id: line.location_id };
    if (entity === 'compositeitem') return { item_id: line.item_id, name: line.name, sku: line.sku, quantity: Number(line.quantity), rate: Number(line.rate) };
    if (entity === 'transferorder') return { line_item_id: line.line_item_id, item_id: line.item_id, name: line.name, quantity_transfer: Number(line.quantity), unit: line.unit };
    return rendered;
  });
  return entity === 'compositeitem' ? { ...row, mapped_items: lines } : { ...row, line_items: lines };
}
