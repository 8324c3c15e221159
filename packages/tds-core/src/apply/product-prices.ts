import { sql } from 'kysely';
import { priceColumnOf, type PriceRole } from '../transform/price-role';
import type { PriceRoleBooks } from './price-roles';
import type { ApplyTx } from './types';

/** Sets a product's category link and its consumer / wholesale prices from the stored price list entries. */
export async function linkProduct(tx: ApplyTx, productId: string, categoryId: string | null, books: PriceRoleBooks): Promise<void> {
  await sql`
UPDATE products p SET
  category_id = ${categoryId}::bigint,
  consumer_price = (SELECT i.rate FROM price_list_items i
                    WHERE i.zoho_pricebook_id = ${books.consumer}::text AND i.zoho_item_id = p.zoho_item_id AND i.deleted_at IS NULL),
  wholesale_price = (SELECT i.rate FROM price_list_items i
                     WHERE i.zoho_pricebook_id = ${books.wholesale}::text AND i.zoho_item_id = p.zoho_item_id AND i.deleted_at IS NULL)
WHERE p.id = ${productId}::bigint`.execute(tx);
}

/**
 * Re-reads one price column of products from the price list that now plays its role (null for
 * every product when none does), for all products or only the given items. Only rows whose value
 * differs are written.
 */
export async function refreshProductPrices(tx: ApplyTx, role: PriceRole, pricebookId: string | null, itemIds?: readonly string[]): Promise<number> {
  const column = sql.ref(priceColumnOf[role]);
  const only = itemIds === undefined ? sql`` : sql`AND p2.zoho_item_id = ANY(${[...itemIds]}::text[])`;
  const result = await sql`
UPDATE products p SET ${column} = n.rate, updated_at = now()
FROM (
  SELECT p2.id, i.rate
  FROM products p2
  LEFT JOIN price_list_items i
    ON i.zoho_pricebook_id = ${pricebookId}::text AND i.zoho_item_id = p2.zoho_item_id AND i.deleted_at IS NULL
  WHERE true ${only}
) n
WHERE p.id = n.id AND p.${column}::text IS DISTINCT FROM n.rate::text`.execute(tx);
  return Number(result.numAffectedRows ?? 0);
}
