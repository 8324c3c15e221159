import { sql, type RawBuilder } from 'kysely';
import type { PriceListItemRow } from '../transform/price-list';
import type { ApplyTx } from './types';

/**
 * Makes the entries of one price list equal `items` and returns the item ids whose rate changed,
 * appeared or disappeared (the products whose prices may need refreshing).
 */
export async function replacePriceListItems(tx: ApplyTx, pricebookId: string, items: readonly PriceListItemRow[]): Promise<string[]> {
  return replaceEntriesWith(tx, pricebookId, sql`SELECT * FROM unnest(${items.map((i) => i.zoho_item_id)}::text[], ${items.map((i) => i.rate)}::numeric[]) AS i(zoho_item_id, rate)`);
}

/**
 * The same set replacement with the entries taken from `input`, a query of (zoho_item_id, rate)
 * rows: an array (above) or the scratch table a streamed book was staged into (price-list-scratch.ts).
 */
export async function replaceEntriesWith(tx: ApplyTx, pricebookId: string, input: RawBuilder<unknown>): Promise<string[]> {
  const { rows } = await sql<{ zoho_item_id: string }>`
WITH input AS (${input}),
removed AS (
  DELETE FROM price_list_items e
  WHERE e.zoho_pricebook_id = ${pricebookId} AND NOT EXISTS (SELECT 1 FROM input i WHERE i.zoho_item_id = e.zoho_item_id)
  RETURNING e.zoho_item_id
),
written AS (
  INSERT INTO price_list_items AS e (zoho_pricebook_id, zoho_item_id, rate, last_synced_at)
  SELECT ${pricebookId}::text, zoho_item_id, rate, now() FROM input
  ON CONFLICT (zoho_pricebook_id, zoho_item_id) DO UPDATE SET
    rate = excluded.rate, deleted_at = NULL, last_synced_at = now(), updated_at = now()
  WHERE e.rate::text IS DISTINCT FROM excluded.rate::text OR e.deleted_at IS NOT NULL
  RETURNING e.zoho_item_id
)
SELECT zoho_item_id FROM removed UNION SELECT zoho_item_id FROM written`.execute(tx);
  return rows.map((r) => r.zoho_item_id);
}
