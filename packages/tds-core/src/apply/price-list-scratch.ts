import { ZohoValidationError } from '@tsh/zoho-client';
import { sql } from 'kysely';
import type { PriceListItemRow } from '../transform/price-list';
import { assertStorableText } from './storable-text';
import type { ApplyTx } from './types';

/**
 * Where a streamed price book's entries wait, inside the book's transaction, until the book has
 * been read to its end: a temporary table of this transaction only (dropped at its end, committed or
 * not), so a book read halfway leaves nothing anywhere. `ord` is the entry's index in the book.
 */
const SCRATCH = sql.raw('pg_temp.tds_price_book_entries');

export async function createEntryScratch(tx: ApplyTx): Promise<void> {
  await sql`CREATE TEMPORARY TABLE tds_price_book_entries (ord integer NOT NULL, zoho_item_id text NOT NULL, rate numeric) ON COMMIT DROP`.execute(tx);
}

/**
 * Adds one chunk of entries, the first being the book's entry number `offset`. Text PostgreSQL
 * cannot store is refused as the whole-book apply refuses it, naming the entry by its index.
 */
export async function stageEntries(tx: ApplyTx, pricebookId: string, entries: readonly PriceListItemRow[], offset: number): Promise<void> {
  if (entries.length === 0) return;
  assertStorableChunk(pricebookId, entries, offset);
  await sql`
INSERT INTO ${SCRATCH} (ord, zoho_item_id, rate)
SELECT * FROM unnest(${entries.map((_, i) => offset + i)}::int[], ${entries.map((e) => e.zoho_item_id)}::text[], ${entries.map((e) => e.rate)}::numeric[])`.execute(tx);
}

function assertStorableChunk(pricebookId: string, entries: readonly PriceListItemRow[], offset: number): void {
  try {
    assertStorableText('pricebook', pricebookId, entries);
  } catch {
    // Found one: find it again entry by entry, so the path names its index in the book.
    entries.forEach((entry, i) => assertStorableText('pricebook', pricebookId, { [`entries[${offset + i}]`]: entry }));
  }
}

/** The staged entries as the (zoho_item_id, rate) input of replaceEntriesWith. */
export function stagedEntries() {
  return sql`SELECT zoho_item_id, rate FROM ${SCRATCH}`;
}

/**
 * Refuses a book listing one item twice, as transformPriceList's assertUniqueKeys does for a whole
 * book (same error, same issues), now that the entries are only in the scratch table. It also
 * gathers the table's statistics for the set replacement that reads it next.
 */
export async function assertStagedEntriesUnique(tx: ApplyTx, pricebookId: string): Promise<void> {
  await sql`ANALYZE ${SCRATCH}`.execute(tx);
  const { rows } = await sql<{ ord: number; zoho_item_id: string; first: number }>`
SELECT s.ord, s.zoho_item_id, d.first
FROM ${SCRATCH} s
JOIN (SELECT zoho_item_id, min(ord) AS first FROM ${SCRATCH} GROUP BY zoho_item_id HAVING count(*) > 1) d USING (zoho_item_id)
WHERE s.ord > d.first
ORDER BY s.ord`.execute(tx);
  if (rows.length === 0) return;
  const issues = rows.map((r) => ({ path: `pricebook_items.${r.ord}`, message: `duplicate key ${r.zoho_item_id} (already at index ${r.first})` }));
  throw new ZohoValidationError('pricebook', pricebookId, issues);
}
