import { sql } from 'kysely';
import type { ApplyContext } from './apply-context';
import type { PreparedProduct } from './product';
import { pricesOf } from './product-prices';
import type { PriceRoleBooks } from './price-roles';
import type { ApplyTx } from './types';

/**
 * category.ts and linkProduct (product-prices.ts) for the products a batch wrote, in two statements:
 * the categories the cache does not know (or knows by another name) upserted at once, the last
 * name in batch order winning as it would one record after the other; then every product's category
 * link and consumer / wholesale prices in one UPDATE. The caller holds the shared price-role lock and
 * read `books` after taking it.
 */
export async function linkProducts(
  tx: ApplyTx,
  written: readonly { prepared: PreparedProduct; id: string }[],
  ctx: ApplyContext,
  books: PriceRoleBooks,
  onCommit: (effect: () => void) => void,
): Promise<void> {
  const categoryIds = new Map<string, string>();
  const toUpsert = new Map<string, string | null>();
  for (const { prepared } of written) {
    const category = prepared.transformed.category;
    if (!category) continue;
    const cached = ctx.categories.get(category.zoho_category_id);
    if (cached && !toUpsert.has(category.zoho_category_id) && (category.name === null || category.name === cached.name)) {
      categoryIds.set(category.zoho_category_id, cached.id);
      continue;
    }
    // A later record without a name keeps the name an earlier one in the batch gave.
    const earlier = toUpsert.get(category.zoho_category_id);
    toUpsert.set(category.zoho_category_id, category.name ?? earlier ?? null);
  }
  if (toUpsert.size > 0) {
    const ids = [...toUpsert.keys()].sort();
    const { rows } = await sql<{ zoho_category_id: string; id: string; name: string }>`
WITH input AS (
  SELECT * FROM unnest(${ids}::text[], ${ids.map((id) => toUpsert.get(id) ?? null)}::text[]) AS i(zoho_category_id, name)
)
INSERT INTO categories AS c (zoho_category_id, name, last_synced_at)
SELECT i.zoho_category_id, coalesce(i.name, ''), now() FROM input i ORDER BY i.zoho_category_id
ON CONFLICT (zoho_category_id) DO UPDATE SET
  -- A record without a category name keeps the stored one (category.ts).
  name = coalesce((SELECT i.name FROM input i WHERE i.zoho_category_id = excluded.zoho_category_id), c.name),
  deleted_at = NULL,
  is_active = true,
  last_synced_at = now(),
  updated_at = now()
RETURNING c.zoho_category_id, c.id::text AS id, c.name`.execute(tx);
    for (const row of rows) {
      categoryIds.set(row.zoho_category_id, row.id);
      onCommit(() => ctx.categories.set(row.zoho_category_id, { id: row.id, name: row.name }));
    }
  }

  const prices = pricesOf(books, 'p');
  await sql`
UPDATE products p SET
  category_id = l.category_id,
  consumer_price = ${prices.consumer},
  wholesale_price = ${prices.wholesale}
FROM unnest(${written.map((w) => w.id)}::bigint[], ${written.map((w) => {
    const category = w.prepared.transformed.category;
    return category ? (categoryIds.get(category.zoho_category_id) ?? null) : null;
  })}::bigint[]) AS l(id, category_id)
WHERE p.id = l.id`.execute(tx);
}
