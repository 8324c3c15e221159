import type { ZohoItem } from '@tsh/zoho-client';
import { prepareProduct } from '../apply/product';
import { diffColumns, type ColumnKinds } from './column-diff';
import { reasonOf, type EntityVerifier, type RecordCheck } from './entity-verifier';
import { readStoredRows } from './stored-rows';
import { zohoItemsByIds, zohoLiveItems } from './zoho-items';
import { expectedRolePrice } from './expected-role-price';
import { expectedRoleBooks } from './zoho-price-books';

/** The contract columns of `products` (design §3b) and how each is compared. */
const PRODUCT_COLUMNS: ColumnKinds = {
  name: 'text',
  name_ar: 'text',
  description: 'text',
  sku: 'text',
  barcode: 'text',
  available_stock: 'decimal',
  unit_price: 'decimal',
  is_active: 'boolean',
  zoho_category_id: 'text',
  consumer_price: 'decimal',
  wholesale_price: 'decimal',
};

/**
 * Products: each item mapped by the apply path's own `prepareProduct` (so the Arabic-name field,
 * barcode choice and status rule are the ones applied), plus the consumer / wholesale prices
 * expected from Zoho's price books.
 */
export const productsVerifier: EntityVerifier<ZohoItem> = {
  entity: 'products',
  presence: { table: 'products', key: 'zoho_item_id' },
  idOf: (item) => item.item_id,
  live: (env, sample) => zohoLiveItems(env, sample),
  byIds: (env, ids) => zohoItemsByIds(env, ids),
  async check(env, items) {
    const checks = new Map<string, RecordCheck>();
    if (items.length === 0) return checks;
    const roles = await expectedRoleBooks(env);
    const stored = await readStoredRows(env.db, 'products', 'zoho_item_id', Object.keys(PRODUCT_COLUMNS), items.map((i) => i.item_id));
    for (const item of items) {
      let expected: Record<string, unknown>;
      try {
        const row = prepareProduct(item, env.ctx).row;
        const unitPrice = (row.unit_price ?? null) as string | null;
        expected = {
          ...row,
          consumer_price: expectedRolePrice(roles.books.consumer, roles.entries.consumer, item.item_id, unitPrice),
          wholesale_price: expectedRolePrice(roles.books.wholesale, roles.entries.wholesale, item.item_id, unitPrice),
        };
      } catch (error) {
        checks.set(item.item_id, { kind: 'unstorable', reason: reasonOf(error) });
        continue;
      }
      const row = stored.get(item.item_id);
      if (!row || row.deleted_at !== null) {
        checks.set(item.item_id, { kind: 'missing' });
        continue;
      }
      const columns = diffColumns(PRODUCT_COLUMNS, row, expected);
      checks.set(item.item_id, columns.length === 0 ? { kind: 'match' } : { kind: 'drift', columns });
    }
    return checks;
  },
};
