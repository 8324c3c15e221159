import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { OrganizationBinding } from './types';

interface BindingRow {
  organization_id: string;
  data_center: string | null;
  api_host: string | null;
  bound_at: Date;
  bound_by: string;
}

export const bindingFromRow = (row: BindingRow): OrganizationBinding => ({
  organizationId: row.organization_id,
  dataCenter: row.data_center,
  apiHost: row.api_host,
  boundAt: row.bound_at,
  boundBy: row.bound_by,
});

/** The database's binding, or null while no organization has written into it. */
export async function readOrganizationBinding(db: Kysely<Database>): Promise<OrganizationBinding | null> {
  const row = await db.selectFrom('tds_binding').select(['organization_id', 'data_center', 'api_host', 'bound_at', 'bound_by']).executeTakeFirst();
  return row ? bindingFromRow(row) : null;
}

/** Like readOrganizationBinding, on a database that may not be migrated yet (no table: null). */
export async function readOrganizationBindingIfAny(db: Kysely<Database>): Promise<OrganizationBinding | null> {
  const { rows } = await sql<{ present: boolean }>`SELECT to_regclass('tds_binding') IS NOT NULL AS present`.execute(db);
  return rows[0]?.present ? readOrganizationBinding(db) : null;
}
