import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { readOrganizationBindingIfAny } from './read-binding';
import type { OrganizationBinding } from './types';

/** The tables that hold Zoho records. */
export const ENTITY_TABLES = [
  'categories',
  'products',
  'customers',
  'invoices',
  'invoice_lines',
  'bills',
  'bill_lines',
  'stock_levels',
  'price_lists',
  'price_list_items',
] as const;

export interface DatabaseContents {
  binding: OrganizationBinding | null;
  /** Entity tables holding at least one row (soft-deleted ones count: they are data too). */
  nonEmptyTables: string[];
}

/** What a database already holds, read without writing anything (it may not even be migrated). */
export async function inspectDatabaseContents(db: Kysely<Database>): Promise<DatabaseContents> {
  const nonEmptyTables: string[] = [];
  for (const table of ENTITY_TABLES) {
    const { rows } = await sql<{ present: boolean }>`SELECT to_regclass(${table}) IS NOT NULL AS present`.execute(db);
    if (!rows[0]?.present) continue;
    const { rows: any } = await sql<{ has: boolean }>`SELECT EXISTS (SELECT 1 FROM ${sql.table(table)}) AS has`.execute(db);
    if (any[0]?.has) nonEmptyTables.push(table);
  }
  return { binding: await readOrganizationBindingIfAny(db), nonEmptyTables };
}
