import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { OrganizationBindingError } from './binding-error';
import { bindingFromRow } from './read-binding';
import type { BindingClaim, OrganizationBinding } from './types';

/**
 * Binds an unbound database to the claim's organization, or confirms it is already bound to it;
 * throws OrganizationBindingError (writing nothing) when it is bound to another one.
 *
 * Race-safe without a lock: the singleton primary key lets exactly one concurrent INSERT through
 * and turns the others into `ON CONFLICT DO NOTHING` (each waits for the winner's commit). The
 * losers then read the row in a new statement, whose READ COMMITTED snapshot sees the winner's
 * binding; reading it in the INSERT's own statement would not (its snapshot predates the winner).
 */
export async function claimOrganizationBinding(db: Kysely<Database>, claim: BindingClaim, action = 'write Zoho data'): Promise<OrganizationBinding> {
  const binding = await db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('tds_binding')
      .values({ organization_id: claim.organizationId, data_center: claim.dataCenter ?? null, api_host: claim.apiHost ?? null, bound_by: claim.claimedBy })
      .onConflict((oc) => oc.column('singleton').doNothing())
      .returning(['organization_id', 'data_center', 'api_host', 'bound_at', 'bound_by'])
      .executeTakeFirst();
    if (inserted) {
      await trx
        .insertInto('tds_binding_log')
        .values({
          from_organization_id: null,
          to_organization_id: claim.organizationId,
          data_center: claim.dataCenter ?? null,
          api_host: claim.apiHost ?? null,
          reason: `first binding (${claim.claimedBy})`,
          hostname: hostname(),
          process_id: process.pid,
        })
        .execute();
      return bindingFromRow(inserted);
    }
    const row = await trx.selectFrom('tds_binding').select(['organization_id', 'data_center', 'api_host', 'bound_at', 'bound_by']).executeTakeFirstOrThrow();
    return bindingFromRow(row);
  });
  if (binding.organizationId !== claim.organizationId) throw new OrganizationBindingError(binding, claim.organizationId, action);
  return binding;
}
