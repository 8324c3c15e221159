import type { ZohoItem } from '@tsh/zoho-client';
import { transformCategory, type CategoryRow } from './category';
import type { TransformConfig } from './config';
import { customFieldText } from './custom-field';
import { carriesStockLevels, transformStockLevels, type StockLevelRow } from './stock-levels';
import { firstNonBlank, isActiveStatus } from './text';
import type { DecimalString, IsoTimestamp } from './types';

/**
 * The Zoho-sourced columns of a `products` row. `consumer_price` / `wholesale_price` are absent on
 * purpose: they come from price lists (see `transformPriceList` and `priceRoleOf`).
 */
export interface ProductRow {
  zoho_item_id: string;
  name: string;
  name_ar: string;
  description: string | null;
  sku: string | null;
  barcode: string | null;
  available_stock: DecimalString | null;
  unit_price: DecimalString | null;
  is_active: boolean;
  zoho_category_id: string | null;
  category_name: string | null;
  zoho_last_modified_time: IsoTimestamp | null;
  /** The parsed Zoho record, only when `config.keepRaw` is set. */
  raw?: ZohoItem;
}

export interface ProductTransform {
  product: ProductRow;
  category: CategoryRow | null;
  /** Null when the record carries neither `locations[]` nor `warehouses[]`: leave stored stock rows alone. */
  stockLevels: StockLevelRow[] | null;
}

/** First non-blank of ean, upc, isbn, kept exactly as sent. */
export function barcodeOf(item: Pick<ZohoItem, 'ean' | 'upc' | 'isbn'>): string | null {
  return firstNonBlank(item.ean, item.upc, item.isbn);
}

/** The Arabic-name custom field when filled in, else the item's name. */
export function arabicNameOf(item: Pick<ZohoItem, 'name' | 'custom_fields' | 'custom_field_hash'>, arabicNameField: string): string {
  return customFieldText(item, arabicNameField) ?? item.name;
}

export function transformProduct(item: ZohoItem, config: Pick<TransformConfig, 'arabicNameField' | 'keepRaw'>): ProductTransform {
  const product: ProductRow = {
    zoho_item_id: item.item_id,
    name: item.name,
    name_ar: arabicNameOf(item, config.arabicNameField),
    description: item.description,
    sku: item.sku,
    barcode: barcodeOf(item),
    available_stock: item.stock_on_hand,
    unit_price: item.rate,
    is_active: isActiveStatus(item.status),
    zoho_category_id: item.category_id,
    category_name: item.category_name,
    zoho_last_modified_time: item.last_modified_time,
  };
  if (config.keepRaw) product.raw = item;
  return {
    product,
    category: transformCategory(item),
    stockLevels: carriesStockLevels(item) ? transformStockLevels(item) : null,
  };
}
