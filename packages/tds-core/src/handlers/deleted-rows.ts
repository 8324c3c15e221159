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
 * Which of these carried records point at a soft-deleted row. A delivered copy is no proof that the
 * record exists, whatever its version (it may have been captured before the deletion:
 * docs/deletions.md), so the worker asks Zoho about these instead of applying the copy. One
 * statement per batch.
 */
export async function softDeletedAmong(db: Kysely<Database>, entity: RecordEntity, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { table, key } = tables[entity];
  // One probe of the key's index per id (a scalar subquery is never turned into a join): as a filter
  // on the table, this was planned as a scan of every row of it, once per batch.
  const { rows } = await sql<{ id: string }>`
SELECT i.id FROM unnest(${[...ids]}::text[]) AS i(id)
WHERE (SELECT t.deleted_at IS NOT NULL FROM ${sql.table(table)} t WHERE t.${sql.ref(key)} = i.id)`.execute(db);
  return new Set(rows.map((r) => r.id));
}
