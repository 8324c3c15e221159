import type { ZohoItem } from '@tsh/zoho-client';
import { carriesStockLevels, transformStockLevels } from '../transform/stock-levels';
import { diffRowSets, type ColumnKinds } from './column-diff';
import { reasonOf, type EntityVerifier, type RecordCheck } from './entity-verifier';
import { readStoredChildren } from './stored-rows';
import { zohoItemsByIds, zohoLiveItems } from './zoho-items';

const STOCK_COLUMNS: ColumnKinds = {
  location_name: 'text',
  stock_on_hand: 'decimal',
  available_stock: 'decimal',
  actual_available_stock: 'decimal',
};

/**
 * Stock per location: an item's active stock_levels rows against its `locations[]` (or legacy
 * `warehouses[]`) as a set. An item whose record carries neither has no per-location stock to
 * compare (the apply path leaves its rows alone). Whether the item itself is stored is the
 * products check's business, so stock reports no missing or extra records of its own.
 */
export const stockVerifier: EntityVerifier<ZohoItem> = {
  entity: 'stock',
  presence: null,
  idOf: (item) => item.item_id,
  live: (env, sample) => zohoLiveItems(env, sample),
  byIds: (env, ids) => zohoItemsByIds(env, ids),
  async check(env, items) {
    const checks = new Map<string, RecordCheck>();
    const stored = await readStoredChildren(env.db, 'stock_levels', 'zoho_item_id', 'zoho_location_id', Object.keys(STOCK_COLUMNS), items.map((i) => i.item_id));
    for (const item of items) {
      if (!carriesStockLevels(item)) {
        checks.set(item.item_id, { kind: 'match' });
        continue;
      }
      let expected: Map<string, Record<string, unknown>>;
      try {
        expected = new Map(transformStockLevels(item).map((row) => [row.zoho_location_id, { ...row }]));
      } catch (error) {
        checks.set(item.item_id, { kind: 'unstorable', reason: reasonOf(error) });
        continue;
      }
      const columns = diffRowSets('stock', STOCK_COLUMNS, stored.get(item.item_id) ?? new Map(), expected);
      checks.set(item.item_id, columns.length === 0 ? { kind: 'match' } : { kind: 'drift', columns });
    }
    return checks;
  },
};
