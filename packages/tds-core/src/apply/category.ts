import { sql } from 'kysely';
import type { CategoryRow } from '../transform/category';
import type { ApplyContext } from './apply-context';
import type { ApplyTx } from './types';

/**
 * The categories.id of an item's category, upserting the category when the cache does not know it
 * or knows another name. A category named by no item keeps its stored name (items may omit it).
 * The cache entry is registered for after commit.
 */
export async function ensureCategory(
  tx: ApplyTx,
  category: CategoryRow,
  ctx: ApplyContext,
  onCommit: (effect: () => void) => void,
): Promise<string> {
  const cached = ctx.categories.get(category.zoho_category_id);
  if (cached && (category.name === null || category.name === cached.name)) return cached.id;
  const { rows } = await sql<{ id: string; name: string }>`
INSERT INTO categories AS c (zoho_category_id, name, last_synced_at)
VALUES (${category.zoho_category_id}, coalesce(${category.name}::text, ''), now())
ON CONFLICT (zoho_category_id) DO UPDATE SET
  name = coalesce(${category.name}::text, c.name),
  deleted_at = NULL,
  is_active = true,
  last_synced_at = now(),
  updated_at = now()
RETURNING c.id::text AS id, c.name`.execute(tx);
  const entry = rows[0];
  onCommit(() => ctx.categories.set(category.zoho_category_id, entry));
  return entry.id;
}
