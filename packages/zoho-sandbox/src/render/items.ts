import { dec } from '../money';
import type { SandboxStore } from '../store';
import type { SandboxItem } from '../types';
import { zohoNumber, zohoTime } from './numbers';

import type { SandboxSettings } from '../options';

export const ARABIC_NAME_FIELD_ID = '2163579000000100001';
export const PRICE_CURRENCY_FIELD_ID = '2163579000000100002';

function customFields(item: SandboxItem) {
  const fields: Record<string, unknown>[] = [];
  const hash: Record<string, string> = {};
  if (item.name_ar !== null || item.name_ar_field_present) {
    const value = item.name_ar ?? '';
    fields.push({ customfield_id: ARABIC_NAME_FIELD_ID, show_in_all_pdf: true, value_formatted: value, data_type: 'string', index: 1, label: 'Arabic Name', show_on_pdf: true, edit_on_portal: false, edit_on_store: false, api_name: 'cf_name_ar', show_in_portal: false, value });
    hash.cf_name_ar = value;
    hash.cf_name_ar_unformatted = value;
  }
  if (item.price_currency === 'USD') {
    fields.push({ customfield_id: PRICE_CURRENCY_FIELD_ID, show_in_all_pdf: false, value_formatted: 'USD', data_type: 'dropdown', index: 2, label: 'Price Currency', api_name: 'cf_price_currency', value: 'USD' });
    hash.cf_price_currency = 'USD';
    hash.cf_price_currency_unformatted = 'USD';
  }
  return { custom_fields: fields, custom_field_hash: hash };
}

function stockTotals(item: SandboxItem) {
  if (item.product_type === 'service') return { soh: null, committed: null };
  let soh = dec(0);
  let committed = dec(0);
  for (const s of item.stock) {
    soh = soh.plus(s.stock_on_hand);
    committed = committed.plus(s.committed_stock);
  }
  return { soh: soh.toString(), committed: committed.toString() };
}

function stockFields(item: SandboxItem) {
  const style = item.number_style;
  const { soh, committed } = stockTotals(item);
  const actual = soh === null || committed === null ? null : dec(soh).minus(committed).toString();
  return {
    stock_on_hand: zohoNumber(soh, style, { places: 2 }),
    available_stock: zohoNumber(soh, style, { places: 2 }),
    actual_available_stock: zohoNumber(actual, style, { places: 2 }),
    committed_stock: zohoNumber(committed, style, { places: 2, optional: true }),
    available_for_sale_stock: zohoNumber(actual, style, { places: 2 }),
  };
}

function locationStock(store: SandboxStore, item: SandboxItem, legacy: boolean) {
  const style = item.number_style;
  return item.stock.map((s) => {
    const location = store.location(s.location_id);
    const actual = dec(s.stock_on_hand).minus(s.committed_stock).toString();
    if (legacy) {
      return {
        warehouse_id: s.location_id,
        warehouse_name: location?.location_name ?? '',
        status: 'active',
        is_primary: location?.is_primary_location ?? false,
        warehouse_stock_on_hand: zohoNumber(s.stock_on_hand, style),
        initial_stock: '',
        initial_stock_rate: '',
        warehouse_available_stock: zohoNumber(s.stock_on_hand, style),
        warehouse_actual_available_stock: zohoNumber(actual, style),
        warehouse_committed_stock: zohoNumber(s.committed_stock, style, { optional: true }),
        warehouse_available_for_sale_stock: zohoNumber(actual, style),
      };
    }
    return {
      location_id: s.location_id,
      location_name: location?.location_name ?? '',
      status: 'active',
      is_primary: location?.is_primary_location ?? false,
      location_stock_on_hand: zohoNumber(s.stock_on_hand, style),
      initial_stock: '',
      initial_stock_rate: '',
      location_available_stock: zohoNumber(s.stock_on_hand, style),
      location_actual_available_stock: zohoNumber(actual, style),
      location_committed_stock: zohoNumber(s.committed_stock, style, { optional: true }),
      location_available_for_sale_stock: zohoNumber(actual, style),
    };
  });
}

function itemCore(item: SandboxItem) {
  const style = item.number_style;
  const places = 2;
  return {
    item_id: item.item_id,
    name: item.name,
    item_name: item.name,
    unit: item.unit,
    status: item.status,
    source: 'user',
    is_linked_with_zohocrm: false,
    item_type: item.product_type === 'goods' ? 'inventory' : 'sales',
    product_type: item.product_type,
    description: item.description,
    rate: zohoNumber(item.rate, style, { places }),
    purchase_rate: zohoNumber(item.purchase_rate, style, { places, optional: true }),
    sku: item.sku,
    ean: item.ean,
    upc: item.upc,
    isbn: item.isbn,
    part_number: '',
    brand: item.brand,
    manufacturer: item.brand,
    category_id: item.category_id,
    category_name: item.category_name,
    is_taxable: true,
    tax_id: '',
    tax_name: '',
    tax_percentage: 0,
    image_name: '',
    ...stockFields(item),
    ...customFields(item),
  };
}

/** Full item, as GET /items/{id} and /itemdetails return it. */
export function renderItem(store: SandboxStore, item: SandboxItem, settings: SandboxSettings) {
  const stock = locationStock(store, item, settings.legacyWarehouses);
  return {
    ...itemCore(item),
    purchase_description: '',
    reorder_level: zohoNumber('0', item.number_style, { optional: true }),
    ...(settings.legacyWarehouses ? { warehouses: stock } : { locations: stock }),
    created_time: zohoTime(item.created_time),
    last_modified_time: zohoTime(item.last_modified_time),
  };
}

/** A list row: no per-location stock unless the sandbox is told to include it. */
export function renderItemRow(store: SandboxStore, item: SandboxItem, settings: SandboxSettings) {
  if (settings.itemListLocations) return renderItem(store, item, settings);
  return {
    ...itemCore(item),
    has_attachment: false,
    created_time: zohoTime(item.created_time),
    last_modified_time: zohoTime(item.last_modified_time),
  };
}
