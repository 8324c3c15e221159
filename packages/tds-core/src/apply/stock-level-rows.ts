import { sql } from 'kysely';
import type { StockLevelRow } from '../transform/stock-levels';
import type { ApplyTx } from './types';

/**
 * Makes the item's stock_levels rows equal `rows` (a location Zoho no longer lists is removed) and
 * returns how many rows changed. Rows whose values are already stored are left untouched.
 */
export async function replaceStockLevels(tx: ApplyTx, itemId: string, rows: readonly StockLevelRow[], version: string | null): Promise<number> {
  const { rows: result } = await sql<{ changed: string }>`
WITH input AS (
  SELECT * FROM unnest(
    ${rows.map((r) => r.zoho_location_id)}::text[],
    ${rows.map((r) => r.location_name)}::text[],
    ${rows.map((r) => r.stock_on_hand)}::numeric[],
    ${rows.map((r) => r.available_stock)}::numeric[],
    ${rows.map((r) => r.actual_available_stock)}::numeric[]
  ) AS i(zoho_location_id, location_name, stock_on_hand, available_stock, actual_available_stock)
),
removed AS (
  DELETE FROM stock_levels s
  WHERE s.zoho_item_id = ${itemId} AND NOT EXISTS (SELECT 1 FROM input i WHERE i.zoho_location_id = s.zoho_location_id)
  RETURNING 1
),
written AS (
  INSERT INTO stock_levels AS s
    (zoho_item_id, zoho_location_id, location_name, stock_on_hand, available_stock, actual_available_stock, zoho_last_modified_time, last_synced_at)
  SELECT ${itemId}::text, zoho_location_id, location_name, stock_on_hand, available_stock, actual_available_stock, ${version}::timestamptz, now()
  FROM input
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
    IS DISTINCT FROM ROW(excluded.location_name, excluded.stock_on_hand::text, excluded.available_stock::text, excluded.actual_available_stock::text, true)
  RETURNING 1
)
SELECT ((SELECT count(*) FROM removed) + (SELECT count(*) FROM written))::text AS changed`.execute(tx);
  return Number(result[0]?.changed ?? 0);
}
