import { sql } from 'kysely';
import type { ZohoItem } from '@tsh/zoho-client';
import { carriesStockLevels, transformStockLevels } from '../transform/stock-levels';
import type { ApplyContext } from './apply-context';
import { lockPriceRolesShared } from './price-role-lock';
import { prepareProduct, writeProduct } from './product';
import { inRecordTransaction } from './record-transaction';
import { replaceStockLevels } from './stock-level-rows';
import { assertStorableText } from './storable-text';
import type { ApplyDb, ApplyOutcome } from './types';

/**
 * Refreshes one item's stock only: its stock_levels rows and products.available_stock. Stock moves
 * (adjustments, transfers, sales) do not always change an item's last_modified_time, so an equal
 * version still applies; only a strictly newer stored version makes the record stale. An item not
 * stored yet is applied whole, and so is a soft-deleted one: like any record Zoho returned, the
 * refresh restores it only when Zoho was asked after the deletion (record-origin.ts), otherwise it
 * throws DeletedRowNeedsCheckError and the caller asks again (docs/deletions.md).
 * Returns 'unchanged' when every stock value was already stored.
 *
 * The item is a full record (itemdetails or the detail GET). A detail with neither locations[]
 * nor warehouses[] (a service or non-inventory item, an organization without locations) has no
 * stock per location: its stock_levels rows are left as they are and only available_stock is
 * refreshed; it is not an error.
 */
export async function applyStockLevels(db: ApplyDb, item: ZohoItem, ctx: ApplyContext): Promise<ApplyOutcome> {
  const levels = carriesStockLevels(item) ? transformStockLevels(item) : null;
  if (levels) assertStorableText('item', item.item_id, levels);
  const version = item.last_modified_time;
  return inRecordTransaction(db, ctx, async (tx, onCommit) => {
    // Before the row lock below: this transaction may write the whole product (price-role-lock.ts).
    await lockPriceRolesShared(tx);
    const { rows } = await sql<{ newer: boolean; same_stock: boolean; deleted: boolean }>`
SELECT (${version}::timestamptz IS NOT NULL AND zoho_last_modified_time > ${version}::timestamptz) AS newer,
       (available_stock::text IS NOT DISTINCT FROM ${item.stock_on_hand}::numeric::text) AS same_stock,
       deleted_at IS NOT NULL AS deleted
FROM products WHERE zoho_item_id = ${item.item_id}
FOR UPDATE`.execute(tx);
    const stored = rows[0];
    // An item not stored yet needs its product columns checked and written; a deleted one too, where
    // upsertVersioned decides from the fetch time whether the refresh proves it live (stock included):
    // a refresh fetched before the deletion may be applied after it (docs/deletions.md).
    if (!stored || stored.deleted) return writeProduct(tx, prepareProduct(item, ctx), ctx, onCommit);
    if (stored.newer) return 'stale';
    let changed = levels ? await replaceStockLevels(tx, item.item_id, levels, version) : 0;
    if (!stored.same_stock) {
      await sql`
UPDATE products SET available_stock = ${item.stock_on_hand}::numeric, last_synced_at = now(), updated_at = now()
WHERE zoho_item_id = ${item.item_id}`.execute(tx);
      changed += 1;
    }
    return changed > 0 ? 'updated' : 'unchanged';
  });
}
