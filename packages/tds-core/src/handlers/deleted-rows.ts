import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { RecordEntity } from './record-handler';

const tables: Record<RecordEntity, { table: string; key: string }> = {
  products: { table: 'products', key: 'zoho_item_id' },
  customers: { table: 'customers', key: 'zoho_contact_id' },
  invoices: { table: 'invoices', key: 'zoho_invoice_id' },
  bills: { table: 'bills', key: 'zoho_bill_id' },
  pricelists: { table: 'price_lists', key: 'zoho_pricebook_id' },
};

/**
 * Which of these carried records point at a soft-deleted row that the copy would not restore by
 * itself (its version is not newer, or either side has none). A delivered copy is no proof that
 * the record exists (docs/deletions.md), so the worker asks Zoho about these instead of applying
 * the copy. One statement per batch.
 */
export async function softDeletedNotNewer(
  db: Kysely<Database>,
  entity: RecordEntity,
  records: ReadonlyArray<{ id: string; version: string | null }>,
): Promise<Set<string>> {
  if (records.length === 0) return new Set();
  const { table, key } = tables[entity];
  const { rows } = await sql<{ id: string }>`
SELECT c.id
FROM unnest(${records.map((r) => r.id)}::text[], ${records.map((r) => r.version)}::timestamptz[]) AS c(id, version)
JOIN ${sql.table(table)} t ON t.${sql.ref(key)} = c.id
WHERE t.deleted_at IS NOT NULL
  AND (c.version IS NULL OR t.zoho_last_modified_time IS NULL OR t.zoho_last_modified_time >= c.version)`.execute(db);
  return new Set(rows.map((r) => r.id));
}
