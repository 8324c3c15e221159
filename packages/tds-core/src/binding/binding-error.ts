import type { OrganizationBinding } from './types';

/** The override named by every refusal: one command, deliberately verbose (docs/organization-binding.md). */
export const rebindCommand = (organizationId: string) => `tds rebind --organization ${organizationId} --confirm`;

/**
 * The database holds another Zoho organization's copy; nothing was written. The CLI exits 2 with
 * this message alone, so it names both organizations and the way out.
 */
export class OrganizationBindingError extends Error {
  readonly boundOrganizationId: string;
  readonly configuredOrganizationId: string;
  constructor(bound: OrganizationBinding, configuredOrganizationId: string, action: string) {
    const since = bound.boundAt.toISOString().slice(0, 10);
    super(
      `refusing to ${action}: this database is bound to Zoho organization ${bound.organizationId} (since ${since}, by ${bound.boundBy}), ` +
        `but ZOHO_ORGANIZATION_ID is ${configuredOrganizationId}. Nothing was written. Point DATABASE_URL at organization ${configuredOrganizationId}'s own database, ` +
        `or, if this database really moves to organization ${configuredOrganizationId}, stop every TDS process on it and run \`${rebindCommand(configuredOrganizationId)}\` ` +
        `(see docs/organization-binding.md).`,
    );
    this.name = 'OrganizationBindingError';
    this.boundOrganizationId = bound.organizationId;
    this.configuredOrganizationId = configuredOrganizationId;
  }
}
