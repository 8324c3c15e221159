import { sql } from 'kysely';
import type { ApplyContext } from './apply-context';
import type { PreparedProduct } from './product';
import type { ApplyTx } from './types';

/**
 * The categories of a batch that the category cache could not vouch for (unknown, or known by
 * another name; product-batch.ts decides, in batch order): category.ts for the products the batch
 * wrote, in two statements - the categories upserted at once (the last name in batch order wins, a
 * record without a name keeps the stored one), then those products linked to them. The products'
 * prices were written with the rows (product-batch-upsert.ts).
 */
export async function linkUncachedCategories(
  tx: ApplyTx,
  written: readonly { prepared: PreparedProduct; id: string }[],
  ctx: ApplyContext,
  onCommit: (effect: () => void) => void,
): Promise<void> {
  const names = new Map<string, string | null>();
  for (const { prepared } of written) {
    const category = prepared.transformed.category!;
    names.set(category.zoho_category_id, category.name ?? names.get(category.zoho_category_id) ?? null);
  }
  const ids = [...names.keys()].sort();
  const { rows } = await sql<{ zoho_category_id: string; id: string; name: string }>`
WITH input AS (
  SELECT * FROM unnest(${ids}::text[], ${ids.map((id) => names.get(id) ?? null)}::text[]) AS i(zoho_category_id, name)
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
  const categoryIds = new Map<string, string>();
  for (const row of rows) {
    categoryIds.set(row.zoho_category_id, row.id);
    onCommit(() => ctx.categories.set(row.zoho_category_id, { id: row.id, name: row.name }));
  }
  await sql`
UPDATE products p SET category_id = l.category_id
FROM unnest(${written.map((w) => w.id)}::bigint[], ${written.map((w) => categoryIds.get(w.prepared.transformed.category!.zoho_category_id) ?? null)}::bigint[]) AS l(id, category_id)
WHERE p.id = l.id`.execute(tx);
}
