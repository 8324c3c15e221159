import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { bindingFromRow } from './read-binding';
import type { BindingClaim } from './types';

export interface RebindResult {
  /** The organization it was bound to before (null: it was not bound). */
  from: string | null;
  to: string;
  /** False when it already was bound to `to` (nothing recorded). */
  changed: boolean;
}

/**
 * The documented override (docs/organization-binding.md): binds the database to another
 * organization on purpose, and records the move in tds_binding_log. The row lock serialises it
 * with concurrent rebinds; first bindings cannot slip in between because the row already exists.
 */
export async function rebindOrganization(db: Kysely<Database>, claim: BindingClaim & { reason: string }): Promise<RebindResult> {
  return db.transaction().execute(async (trx) => {
    const values = { organization_id: claim.organizationId, data_center: claim.dataCenter ?? null, api_host: claim.apiHost ?? null, bound_by: claim.claimedBy };
    const log = (from: string | null) =>
      trx
        .insertInto('tds_binding_log')
        .values({
          from_organization_id: from,
          to_organization_id: claim.organizationId,
          data_center: values.data_center,
          api_host: values.api_host,
          reason: claim.reason,
          hostname: hostname(),
          process_id: process.pid,
        })
        .execute();
    const inserted = await trx.insertInto('tds_binding').values(values).onConflict((oc) => oc.column('singleton').doNothing()).returning('organization_id').executeTakeFirst();
    if (inserted) {
      await log(null);
      return { from: null, to: claim.organizationId, changed: true };
    }
    const current = bindingFromRow(
      await trx.selectFrom('tds_binding').select(['organization_id', 'data_center', 'api_host', 'bound_at', 'bound_by']).forUpdate().executeTakeFirstOrThrow(),
    );
    if (current.organizationId === claim.organizationId) return { from: current.organizationId, to: claim.organizationId, changed: false };
    await trx.updateTable('tds_binding').set({ ...values, bound_at: new Date() }).execute();
    await log(current.organizationId);
    return { from: current.organizationId, to: claim.organizationId, changed: true };
  });
}
