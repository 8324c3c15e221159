import { sql } from 'kysely';
import type { StockLevelRow } from '../transform/stock-levels';
import type { ApplyTx } from './types';

/**
 * stock-level-rows.ts for many items in one statement: each item's stock_levels rows become exactly
 * its set (a location Zoho no longer lists is removed; an empty set removes them all), rows already
 * holding the values are left untouched. Written in (item, location) order, as the one-item
 * statement writes one item's rows, so batches sharing items lock rows in one order.
 */
export async function replaceStockLevelsOfMany(
  tx: ApplyTx,
  items: readonly { itemId: string; rows: readonly StockLevelRow[]; version: string | null }[],
): Promise<void> {
  const rows = items.flatMap((item) => item.rows.map((r) => ({ ...r, zoho_item_id: item.itemId, version: item.version })));
  await sql`
WITH input AS (
  SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS i(
    zoho_item_id text, zoho_location_id text, location_name text, stock_on_hand numeric, available_stock numeric, actual_available_stock numeric, version timestamptz)
),
removed AS (
  -- Each item's rows found through the (zoho_item_id, zoho_location_id) index, the rows to remove
  -- by their keys: a join was planned as a scan of every stock row, per batch.
  DELETE FROM stock_levels s
  WHERE s.id = ANY (ARRAY(
    SELECT l.id
    FROM unnest(${items.map((i) => i.itemId)}::text[]) AS r(zoho_item_id)
    CROSS JOIN LATERAL (SELECT l.id, l.zoho_location_id FROM stock_levels l WHERE l.zoho_item_id = r.zoho_item_id OFFSET 0) l
    WHERE NOT EXISTS (SELECT 1 FROM input i WHERE i.zoho_item_id = r.zoho_item_id AND i.zoho_location_id = l.zoho_location_id)))
)
INSERT INTO stock_levels AS s
  (zoho_item_id, zoho_location_id, location_name, stock_on_hand, available_stock, actual_available_stock, zoho_last_modified_time, last_synced_at)
SELECT zoho_item_id, zoho_location_id, location_name, stock_on_hand, available_stock, actual_available_stock, version, now()
FROM input
ORDER BY zoho_item_id, zoho_location_id
ON CONFLICT (zoho_item_id, zoho_location_id) DO UPDATE SET
  location_name = excluded.location_name,
  stock_on_hand = excluded.stock_on_hand,
  available_stock = excluded.available_stock,
  actual_available_stock = excluded.actual_available_stock,
  zoho_last_modified_time = coalesce(excluded.zoho_last_modified_time, s.zoho_last_modified_time),
  deleted_at = NULL,
  last_synced_at = now(),
  updated_at = now()
WHERE ROW(s.location_name, s.stock_on_hand::text, s.available_stock::text, s.actual_available_stock::text, s.deleted_at IS NULL)
  IS DISTINCT FROM ROW(excluded.location_name, excluded.stock_on_hand::text, excluded.available_stock::text, excluded.actual_available_stock::text, true)`.execute(tx);
}
