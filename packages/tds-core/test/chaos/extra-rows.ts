import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db';
import type { SandboxStore } from '@tsh/zoho-sandbox';

/**
 * Live stock_levels rows Zoho does not have, with the state of their product: what a failed
 * stock comparison needs to be explained.
 */
export async function extraStockRows(db: Kysely<Database>, store: SandboxStore): Promise<string[]> {
  const truth = new Set(store.items.list().flatMap((item) => item.stock.map((s) => `${item.item_id}/${s.location_id}`)));
  const { rows } = await sql<{ item: string; location: string; product_deleted: boolean | null; stock_updated: Date; product_version: Date | null }>`
    SELECT s.zoho_item_id AS item, s.zoho_location_id AS location, p.deleted_at IS NOT NULL AS product_deleted,
           s.updated_at AS stock_updated, p.zoho_last_modified_time AS product_version
    FROM stock_levels s LEFT JOIN products p ON p.zoho_item_id = s.zoho_item_id
    WHERE s.deleted_at IS NULL`.execute(db);
  return rows
    .filter((r) => !truth.has(`${r.item}/${r.location}`))
    .map((r) => {
      const zoho = store.items.has(r.item) ? 'item still in Zoho' : store.getDeleted('item', r.item) ? 'item deleted in Zoho' : 'item unknown to Zoho';
      return `stock_levels[${r.item}/${r.location}] live (${zoho}; product ${r.product_deleted === null ? 'missing' : r.product_deleted ? 'soft-deleted' : 'live'}, stock row written ${r.stock_updated.toISOString()})`;
    });
}
