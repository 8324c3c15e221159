import { sql } from 'kysely';
import type { ApplyTx } from './types';
import type { VersionedTable } from './versioned-upsert';

const TABLES_WITH_IS_ACTIVE: ReadonlySet<VersionedTable> = new Set(['products', 'customers', 'price_lists']);

/** deleted: marked now. unchanged: already deleted (confirmed again). stale: a newer version is stored. missing: no such row. */
export type SoftDeleteOutcome = 'deleted' | 'unchanged' | 'stale' | 'missing';

/**
 * Marks a row deleted in Zoho: the row is kept, `deleted_at` set, `is_active` false where the table
 * has it. A deletion that carries a version older than the stored one is stale (the record came
 * back later); one without a version always applies. The stored version becomes the later of both.
 *
 * A row already deleted keeps its `deleted_at`, but `last_synced_at` records this confirmation: a
 * record fetched before it must not restore the row (versioned-upsert.ts compares the fetch time
 * with both), or a row deleted wrongly earlier, then deleted in Zoho while a fetch was in flight,
 * would come back from that fetch (docs/deletions.md).
 */
export async function softDeleteRow(
  tx: ApplyTx,
  table: VersionedTable,
  key: string,
  zohoId: string,
  version: string | null,
): Promise<SoftDeleteOutcome> {
  const deactivate = TABLES_WITH_IS_ACTIVE.has(table) ? sql`, is_active = false` : sql``;
  const { rows } = await sql<{ id: string }>`
UPDATE ${sql.table(table)} AS t SET
  deleted_at = now(),
  zoho_last_modified_time = greatest(t.zoho_last_modified_time, ${version}::timestamptz),
  last_synced_at = now(),
  updated_at = now()${deactivate}
WHERE ${sql.ref(key)} = ${zohoId} AND t.deleted_at IS NULL
  AND (${version}::timestamptz IS NULL OR t.zoho_last_modified_time IS NULL OR t.zoho_last_modified_time <= ${version}::timestamptz)
RETURNING t.id::text AS id`.execute(tx);
  if (rows.length > 0) return 'deleted';
  const { rows: confirmed } = await sql<{ id: string }>`
UPDATE ${sql.table(table)} SET last_synced_at = now()
WHERE ${sql.ref(key)} = ${zohoId} AND deleted_at IS NOT NULL
RETURNING id::text AS id`.execute(tx);
  if (confirmed.length > 0) return 'unchanged';
  const { rows: stored } = await sql<{ id: string }>`SELECT id::text AS id FROM ${sql.table(table)} WHERE ${sql.ref(key)} = ${zohoId}`.execute(tx);
  return stored.length === 0 ? 'missing' : 'stale';
}

/** Soft-deletes the child rows (lines, price list entries, an item's stock) of a deleted parent. */
export async function softDeleteChildren(
  tx: ApplyTx,
  table: 'invoice_lines' | 'bill_lines' | 'price_list_items' | 'stock_levels',
  parentKey: string,
  parentId: string,
): Promise<void> {
  await sql`
UPDATE ${sql.table(table)} SET deleted_at = now(), last_synced_at = now(), updated_at = now()
WHERE ${sql.ref(parentKey)} = ${parentId} AND deleted_at IS NULL`.execute(tx);
}

/**
 * The last state a deletion carried, prepared for storing as a deleted row; null when it cannot be
 * stored (the deletion itself must still go through, by id).
 */
export function prepareForTombstone<T>(prepare: () => T): T | null {
  try {
    return prepare();
  } catch {
    return null;
  }
}
