import { describe, expect, it } from 'vitest';
import { inventoryAdjustmentSchema, itemSchema, parseRecord, transferOrderSchema } from '@tsh/zoho-client/internal';
import { carriesStockLevels, stockAffectedItemIds, transformStockLevels } from '../src/internal';

const parseItem = (fields: Record<string, unknown>) => parseRecord(itemSchema, 'item', 'item_id', { item_id: '77', name: 'Rice 5kg', ...fields });

describe('transformStockLevels', () => {
  it('reads legacy warehouses[] payloads into the same rows', () => {
    const warehouses = [
      { warehouse_id: '900', warehouse_name: 'Erbil WH', warehouse_stock_on_hand: '120.000', warehouse_available_stock: 100, warehouse_actual_available_stock: '95' },
      { warehouse_id: '901', warehouse_name: 'Mosul WH', warehouse_stock_on_hand: '', warehouse_available_stock: null },
    ];
    expect(transformStockLevels(parseItem({ warehouses }))).toEqual([
      { zoho_item_id: '77', zoho_location_id: '900', location_name: 'Erbil WH', stock_on_hand: '120.000', available_stock: '100', actual_available_stock: '95' },
      { zoho_item_id: '77', zoho_location_id: '901', location_name: 'Mosul WH', stock_on_hand: null, available_stock: null, actual_available_stock: null },
    ]);
  });

  it('prefers a non-empty locations[] over warehouses[], and falls back to warehouses[] when locations[] is empty', () => {
    const locations = [{ location_id: '1', location_name: 'Loc', location_stock_on_hand: '5' }];
    const warehouses = [{ warehouse_id: '2', warehouse_name: 'WH', warehouse_stock_on_hand: '6' }];
    expect(transformStockLevels(parseItem({ locations, warehouses })).map((r) => r.zoho_location_id)).toEqual(['1']);
    expect(transformStockLevels(parseItem({ locations: [], warehouses })).map((r) => r.zoho_location_id)).toEqual(['2']);
  });

  it('tells a record without stock detail from one stocked nowhere', () => {
    expect(carriesStockLevels(parseItem({}))).toBe(false);
    expect(transformStockLevels(parseItem({}))).toEqual([]);
    expect(carriesStockLevels(parseItem({ warehouses: [] }))).toBe(true);
  });

  it('rejects a warehouse listed twice', () => {
    const wh = { warehouse_id: '2', warehouse_name: 'WH', warehouse_stock_on_hand: '6' };
    expect(() => transformStockLevels(parseItem({ warehouses: [wh, wh] }))).toThrow(/warehouses\.1: duplicate key 2/);
  });
});

describe('stockAffectedItemIds', () => {
  it('lists each item of an inventory adjustment once, in order', () => {
    const adjustment = parseRecord(inventoryAdjustmentSchema, 'inventory_adjustment', 'inventory_adjustment_id', {
      inventory_adjustment_id: '5001',
      adjustment_type: 'quantity',
      line_items: [
        { item_id: '30', quantity_adjusted: '-2' },
        { item_id: '10', quantity_adjusted: '5' },
        { item_id: '30', quantity_adjusted: '1', location_id: '2' },
      ],
    });
    expect(stockAffectedItemIds(adjustment)).toEqual(['30', '10']);
  });

  it('lists the items of a transfer order', () => {
    const transfer = parseRecord(transferOrderSchema, 'transfer_order', 'transfer_order_id', {
      transfer_order_id: '6001',
      from_location_id: '1',
      to_location_id: '2',
      line_items: [{ item_id: '11', quantity_transfer: '4' }, { item_id: '12', quantity_transfer: 1 }],
    });
    expect(stockAffectedItemIds(transfer)).toEqual(['11', '12']);
  });

  it('is null for a list row without line_items, and empty for no lines', () => {
    const row = parseRecord(transferOrderSchema, 'transfer_order', 'transfer_order_id', { transfer_order_id: '6002' });
    expect(stockAffectedItemIds(row)).toBeNull();
    expect(stockAffectedItemIds({ ...row, line_items: [] })).toEqual([]);
  });
});
