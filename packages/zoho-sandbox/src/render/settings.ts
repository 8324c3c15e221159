import type { SandboxStore } from '../store';
import type { SandboxLocation, SandboxOrganization, SandboxPricebook } from '../types';
import type { SandboxCategory } from '../generate/items';
import { currencyId } from './contacts';
import { zohoNumber, zohoTime } from './numbers';

export function renderPricebookRow(book: SandboxPricebook) {
  return {
    pricebook_id: book.pricebook_id,
    name: book.name,
    description: book.description,
    currency_id: currencyId(book.currency_code),
    currency_code: book.currency_code,
    decimal_place: book.decimal_place,
    status: book.status,
    pricebook_type: book.pricebook_type,
    sales_or_purchase_type: 'sales',
    is_increase: book.is_increase,
    percentage: Number(book.percentage),
    rounding_type: book.rounding_type,
    is_default: false,
  };
}

/** Detail with `pricebook_items[]`; items deleted since are left out. Price books carry no timestamps. */
export function renderPricebook(store: SandboxStore, book: SandboxPricebook) {
  const pricebookItems: Record<string, unknown>[] = [];
  for (const [itemId, rate] of book.rates) {
    const item = store.items.get(itemId);
    if (!item) continue;
    pricebookItems.push({
      pricebook_item_id: `4${itemId.slice(1)}`,
      item_id: itemId,
      name: item.name,
      sku: item.sku,
      status: item.status,
      rate: zohoNumber(item.rate, item.number_style),
      pricebook_rate: zohoNumber(rate, item.number_style),
      price_brackets: [],
    });
  }
  return { ...renderPricebookRow(book), pricebook_items: pricebookItems };
}

export function renderLocation(location: SandboxLocation) {
  return {
    location_id: location.location_id,
    location_name: location.location_name,
    type: 'general',
    is_primary_location: location.is_primary_location,
    is_location_active: location.is_location_active,
    status: location.is_location_active ? 'active' : 'inactive',
    address: { city: location.city, country: 'Iraq' },
    parent_location_id: '',
  };
}

export function renderWarehouse(location: SandboxLocation) {
  return {
    warehouse_id: location.location_id,
    warehouse_name: location.location_name,
    is_primary: location.is_primary_location,
    status: location.is_location_active ? 'active' : 'inactive',
    city: location.city,
    country: 'Iraq',
  };
}

export function renderCategory(category: SandboxCategory) {
  return { category_id: category.category_id, name: category.category_name, parent_category_id: '-1', depth: 0, is_inactive: false };
}

export function renderOrganization(org: SandboxOrganization) {
  return {
    organization_id: org.organization_id,
    name: org.name,
    contact_name: 'TSH Sandbox',
    email: 'sandbox@tsh.example',
    is_default_org: true,
    plan_name: 'Premium',
    currency_id: currencyId(org.currency_code),
    currency_code: org.currency_code,
    currency_symbol: 'IQD',
    time_zone: org.time_zone,
    language_code: 'en',
    date_format: 'yyyy-MM-dd',
    is_org_active: true,
    account_created_date: zohoTime(org.created_time).slice(0, 10),
  };
}
