import { sql } from 'kysely';
import type { ZohoLineItem } from '@tsh/zoho-client';
import type { DocumentLineColumns } from '../transform/document-lines';
import type { ApplyTx } from './types';

/** A line as stored: the contract columns plus description, sku and position, which Zoho also sends. */
export interface StoredLine extends DocumentLineColumns {
  description: string | null;
  sku: string | null;
  item_order: number;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null);

/** Joins the transformed lines with the fields of the Zoho lines that only the table keeps. */
export function storedLines(lines: readonly DocumentLineColumns[], source: readonly ZohoLineItem[]): StoredLine[] {
  return lines.map((line, index) => {
    const zoho = source[index] as Record<string, unknown> | undefined;
    return { ...line, description: text(zoho?.description), sku: text(zoho?.sku), item_order: index + 1 };
  });
}

/**
 * Makes the lines of one document equal `lines`: lines Zoho no longer lists are deleted, the rest
 * upserted by line id (a line id that moved to this document moves with it).
 */
export async function replaceDocumentLines(
  tx: ApplyTx,
  table: 'invoice_lines' | 'bill_lines',
  parentKey: 'zoho_invoice_id' | 'zoho_bill_id',
  documentId: string,
  lines: readonly StoredLine[],
  version: string | null,
): Promise<void> {
  const parent = sql.ref(parentKey);
  await sql`
DELETE FROM ${sql.table(table)}
WHERE ${parent} = ${documentId} AND NOT (zoho_line_item_id = ANY(${lines.map((l) => l.zoho_line_item_id)}::text[]))`.execute(tx);
  if (lines.length === 0) return;
  await sql`
INSERT INTO ${sql.table(table)} AS l
  (zoho_line_item_id, ${parent}, zoho_item_id, name, description, sku, quantity, rate, item_total, item_order, zoho_last_modified_time, last_synced_at)
SELECT i.zoho_line_item_id, ${documentId}::text, i.zoho_item_id, i.name, i.description, i.sku, i.quantity, i.rate, i.item_total, i.item_order,
       ${version}::timestamptz, now()
FROM unnest(
  ${lines.map((l) => l.zoho_line_item_id)}::text[],
  ${lines.map((l) => l.zoho_item_id)}::text[],
  ${lines.map((l) => l.name)}::text[],
  ${lines.map((l) => l.description)}::text[],
  ${lines.map((l) => l.sku)}::text[],
  ${lines.map((l) => l.quantity)}::numeric[],
  ${lines.map((l) => l.rate)}::numeric[],
  ${lines.map((l) => l.item_total)}::numeric[],
  ${lines.map((l) => l.item_order)}::int[]
) AS i(zoho_line_item_id, zoho_item_id, name, description, sku, quantity, rate, item_total, item_order)
ON CONFLICT (zoho_line_item_id) DO UPDATE SET
  ${parent} = excluded.${parent},
  zoho_item_id = excluded.zoho_item_id,
  name = excluded.name,
  description = excluded.description,
  sku = excluded.sku,
  quantity = excluded.quantity,
  rate = excluded.rate,
  item_total = excluded.item_total,
  item_order = excluded.item_order,
  zoho_last_modified_time = excluded.zoho_last_modified_time,
  deleted_at = NULL,
  last_synced_at = now(),
  updated_at = now()`.execute(tx);
}
