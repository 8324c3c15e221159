import type { ZohoItem } from '@tsh/zoho-client';
import type { DecimalString } from './types';
import { assertUniqueKeys } from './unique';

/** A row of `stock_levels`: one item's stock in one location (warehouse). */
export interface StockLevelRow {
  zoho_item_id: string;
  zoho_location_id: string;
  location_name: string | null;
  stock_on_hand: DecimalString | null;
  available_stock: DecimalString | null;
  actual_available_stock: DecimalString | null;
}

type StockSource = Pick<ZohoItem, 'item_id' | 'locations' | 'warehouses'>;

/** Whether the record says anything about per-location stock (reduced list rows do not). */
export function carriesStockLevels(item: StockSource): boolean {
  return item.locations !== undefined || item.warehouses !== undefined;
}

function fromLocations(itemId: string, locations: NonNullable<ZohoItem['locations']>): StockLevelRow[] {
  return locations.map((l) => ({
    zoho_item_id: itemId,
    zoho_location_id: l.location_id,
    location_name: l.location_name,
    stock_on_hand: l.location_stock_on_hand,
    available_stock: l.location_available_stock,
    actual_available_stock: l.location_actual_available_stock,
  }));
}

function fromWarehouses(itemId: string, warehouses: NonNullable<ZohoItem['warehouses']>): StockLevelRow[] {
  return warehouses.map((w) => ({
    zoho_item_id: itemId,
    zoho_location_id: w.warehouse_id,
    location_name: w.warehouse_name,
    stock_on_hand: w.warehouse_stock_on_hand,
    available_stock: w.warehouse_available_stock,
    actual_available_stock: w.warehouse_actual_available_stock,
  }));
}

/**
 * The item's stock per location, from `locations[]` or, for organizations still on the legacy
 * model, `warehouses[]`. When both are present, a non-empty `locations[]` wins (Zoho renamed
 * warehouses to locations). An item with neither gets no rows: use `carriesStockLevels` to tell
 * "no stock rows" from "not told".
 */
export function transformStockLevels(item: StockSource): StockLevelRow[] {
  const { item_id: itemId, locations, warehouses } = item;
  const useLocations = locations !== undefined && (locations.length > 0 || warehouses === undefined);
  const rows = useLocations ? fromLocations(itemId, locations) : fromWarehouses(itemId, warehouses ?? []);
  assertUniqueKeys('item', itemId, useLocations ? 'locations' : 'warehouses', rows.map((r) => r.zoho_location_id));
  return rows;
}
