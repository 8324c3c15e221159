import * as data from './dataset';
import type { ZohoRecord } from './dataset';

export type ZohoApi = 'books' | 'inventory';

/** One list + detail resource of the fake, as Zoho serves it. */
export interface Collection {
  /** URL segment: `/books/v3/<path>`, `/books/v3/<path>/<id>`. */
  path: string;
  apis: ZohoApi[];
  listKey: string;
  itemKey: string;
  idField: string;
  records: Map<string, ZohoRecord>;
  /** What a list row lacks compared with the detail GET. */
  listOmits: string[];
  /** `filter_by` with Status.*: active-only unless Status.All (Books items per docs/zoho-behaviour.md). */
  activeByDefault: boolean;
  /** `sort_column=last_modified_time` allowed (contacts, items; not invoices). */
  sortableByModified: boolean;
  /** The record has last_modified_time and the list honours the `last_modified_time` filter. */
  modifiedFilter: boolean;
  notFoundMessage: string;
}

function collection(spec: Omit<Collection, 'records'>, rows: ZohoRecord[]): Collection {
  return { ...spec, records: new Map(rows.map((r) => [String(r[spec.idField]), r])) };
}

/** A fresh copy of the hostile dataset, one collection per resource. */
export function createCollections(): Record<string, Collection> {
  const documentOmits = ['line_items', 'sub_total', 'tax_total', 'exchange_rate'];
  return {
    items: collection(
      { path: 'items', apis: ['books', 'inventory'], listKey: 'items', itemKey: 'item', idField: 'item_id', listOmits: ['locations', 'warehouses'], activeByDefault: true, sortableByModified: true, modifiedFilter: true, notFoundMessage: 'The item does not exist.' },
      data.items(),
    ),
    contacts: collection(
      { path: 'contacts', apis: ['books'], listKey: 'contacts', itemKey: 'contact', idField: 'contact_id', listOmits: ['contact_persons', 'billing_address'], activeByDefault: true, sortableByModified: true, modifiedFilter: true, notFoundMessage: 'Contact does not exist.' },
      data.contacts(),
    ),
    invoices: collection(
      { path: 'invoices', apis: ['books'], listKey: 'invoices', itemKey: 'invoice', idField: 'invoice_id', listOmits: documentOmits, activeByDefault: false, sortableByModified: false, modifiedFilter: true, notFoundMessage: 'Invoice does not exist.' },
      data.invoices(),
    ),
    bills: collection(
      { path: 'bills', apis: ['books'], listKey: 'bills', itemKey: 'bill', idField: 'bill_id', listOmits: documentOmits, activeByDefault: false, sortableByModified: false, modifiedFilter: true, notFoundMessage: 'Bill does not exist.' },
      data.bills(),
    ),
    pricebooks: collection(
      { path: 'pricebooks', apis: ['books', 'inventory'], listKey: 'pricebooks', itemKey: 'pricebook', idField: 'pricebook_id', listOmits: ['pricebook_items'], activeByDefault: false, sortableByModified: false, modifiedFilter: false, notFoundMessage: 'Price list does not exist.' },
      data.pricebooks(),
    ),
    locations: collection(
      { path: 'locations', apis: ['books', 'inventory'], listKey: 'locations', itemKey: 'location', idField: 'location_id', listOmits: [], activeByDefault: false, sortableByModified: false, modifiedFilter: false, notFoundMessage: 'Location does not exist.' },
      data.locations(),
    ),
    inventoryadjustments: collection(
      { path: 'inventoryadjustments', apis: ['inventory'], listKey: 'inventory_adjustments', itemKey: 'inventory_adjustment', idField: 'inventory_adjustment_id', listOmits: ['line_items'], activeByDefault: false, sortableByModified: true, modifiedFilter: true, notFoundMessage: 'Inventory adjustment does not exist.' },
      data.inventoryAdjustments(),
    ),
    transferorders: collection(
      { path: 'transferorders', apis: ['inventory'], listKey: 'transfer_orders', itemKey: 'transfer_order', idField: 'transfer_order_id', listOmits: ['line_items'], activeByDefault: false, sortableByModified: true, modifiedFilter: true, notFoundMessage: 'Transfer order does not exist.' },
      [],
    ),
  };
}
