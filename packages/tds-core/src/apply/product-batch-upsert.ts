import type { ZohoItem } from '@tsh/zoho-client';
import { sql } from 'kysely';
import { pricesOf } from './product-prices';
import type { PriceRoleBooks } from './price-roles';
import type { UpsertOutcome } from './versioned-upsert';
import type { ApplyTx } from './types';

export interface ProductUpsertInput {
  /** productColumns(): every value a string, boolean or null; `raw` (when kept) is the item as JSON text. */
  row: Record<string, unknown>;
  item: ZohoItem;
  /** When Zoho was asked for this record (a fetched record), null for a delivered copy. */
  askedAt: string | null;
  keepRaw: boolean;
  /** categories.id when the cache knows the record's category by the name it carries; null otherwise (linked after, product-batch-links.ts). */
  categoryId: string | null;
}

export type ProductUpsertOutcome = Exclude<UpsertOutcome, never> | 'needs_check';

/** One element of the statement's JSON input: the products columns as the row has them, plus the ask time. */
function inputElement(input: ProductUpsertInput): string {
  const { raw, ...columns } = input.row;
  const json = JSON.stringify({ ...columns, category_id: input.categoryId, _asked_at: input.askedAt });
  // raw is JSON text already (productColumns): spliced in as a value, so the jsonb column gets the object.
  return input.keepRaw && typeof raw === 'string' ? `${json.slice(0, -1)},"raw":${raw}}` : json;
}

/**
 * versioned-upsert.ts for many products in one statement, with the same guard per row, inside the
 * statement (so no interleaving with another writer can slip between the check and the write):
 * - a live row is replaced only by a newer version (repairs never come this way);
 * - a soft-deleted row only by a record Zoho returned to a request made after the deletion was last
 *   confirmed (this row's ask time; a delivered copy has none, so it never restores), at the stored
 *   version or a newer one (docs/deletions.md).
 * Rows are written in zoho_item_id order, so two batches sharing products lock them in one order.
 * A row not written is told apart in a second statement: 'unchanged' (same version), 'stale'
 * (newer stored) or 'needs_check' (a soft-deleted row this record cannot prove live: ask Zoho).
 * The category link (when the cache knows the category) and the consumer / wholesale prices from
 * the role books (read under the shared price-role lock) are written by the same statement, as
 * linkProduct would set them right after (product-prices.ts), so a written row is written once.
 * Every input needs a version and a product of its own (product-batch.ts sends the others alone).
 */
export async function upsertProductsVersioned(
  tx: ApplyTx,
  inputs: readonly ProductUpsertInput[],
  books: PriceRoleBooks,
): Promise<{ id: string | null; outcome: ProductUpsertOutcome }[]> {
  const columns = [...Object.keys(inputs[0].row), 'category_id'];
  const prices = pricesOf(books, 'input');
  const compared = columns.filter((c) => c !== 'zoho_item_id' && c !== 'zoho_last_modified_time');
  const document = `[${inputs.map(inputElement).join(',')}]`;
  const cols = sql.join(columns.map((c) => sql.ref(c)));
  const { rows } = await sql<{ id: string | null; inserted: boolean | null; was_deleted: boolean }>`
WITH input AS (
  SELECT e.ord, (e.v->>'_asked_at')::timestamptz AS asked_at, p.*
  FROM jsonb_array_elements(${document}::jsonb) WITH ORDINALITY AS e(v, ord)
  CROSS JOIN LATERAL jsonb_populate_record(NULL::products, e.v) AS p
),
written AS (
  INSERT INTO products AS t (${cols}, consumer_price, wholesale_price, last_synced_at)
  SELECT ${sql.join(columns.map((c) => sql.ref(`input.${c}`)))}, ${prices.consumer}, ${prices.wholesale}, now() FROM input ORDER BY input.zoho_item_id
  ON CONFLICT (zoho_item_id) DO UPDATE SET
    ${sql.join(compared.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))},
    consumer_price = excluded.consumer_price,
    wholesale_price = excluded.wholesale_price,
    zoho_last_modified_time = coalesce(excluded.zoho_last_modified_time, t.zoho_last_modified_time),
    deleted_at = NULL,
    last_synced_at = now(),
    updated_at = now()
  WHERE (t.deleted_at IS NULL AND (t.zoho_last_modified_time IS NULL OR t.zoho_last_modified_time < excluded.zoho_last_modified_time))
     OR (t.deleted_at IS NOT NULL
         AND greatest(t.deleted_at, t.last_synced_at) < (SELECT i.asked_at FROM input i WHERE i.zoho_item_id = excluded.zoho_item_id)
         AND (t.zoho_last_modified_time IS NULL OR t.zoho_last_modified_time <= excluded.zoho_last_modified_time))
  RETURNING t.id::text AS id, t.zoho_item_id, (t.xmax = 0) AS inserted
)
SELECT w.id, w.inserted,
       -- The row as the statement's snapshot has it (the upsert's own writes are not seen), probed by
       -- its key per record: a join here was planned as a scan of every product, per batch.
       coalesce((SELECT t.deleted_at IS NOT NULL FROM products t WHERE t.zoho_item_id = i.zoho_item_id), false) AS was_deleted
FROM input i
LEFT JOIN written w ON w.zoho_item_id = i.zoho_item_id
ORDER BY i.ord`.execute(tx);

  const results = rows.map((r): { id: string | null; outcome: ProductUpsertOutcome } =>
    r.id !== null ? { id: r.id, outcome: r.inserted ? 'inserted' : r.was_deleted ? 'restored' : 'updated' } : { id: null, outcome: 'unchanged' },
  );
  const notWritten = results.flatMap((r, n) => (r.id === null ? [n] : []));
  if (notWritten.length === 0) return results;
  const { rows: stored } = await sql<{ zoho_item_id: string; same: boolean | null; unproven_deletion: boolean }>`
SELECT t.zoho_item_id, t.zoho_last_modified_time = i.version AS same,
       (t.deleted_at IS NOT NULL AND (greatest(t.deleted_at, t.last_synced_at) < i.asked_at) IS NOT TRUE) AS unproven_deletion
FROM unnest(
  ${notWritten.map((n) => inputs[n].item.item_id)}::text[],
  ${notWritten.map((n) => inputs[n].row.zoho_last_modified_time as string)}::timestamptz[],
  ${notWritten.map((n) => inputs[n].askedAt)}::timestamptz[]
) AS i(zoho_item_id, version, asked_at)
JOIN products t ON t.zoho_item_id = i.zoho_item_id`.execute(tx);
  const byId = new Map(stored.map((s) => [s.zoho_item_id, s]));
  for (const n of notWritten) {
    const s = byId.get(inputs[n].item.item_id);
    results[n].outcome = s?.unproven_deletion ? 'needs_check' : s?.same === false ? 'stale' : 'unchanged';
  }
  return results;
}
