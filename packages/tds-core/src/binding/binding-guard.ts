import type { Kysely } from 'kysely';
import { resolveZohoUrls } from '@tsh/zoho-client/internal';
import type { TdsEnv } from '../config/env-schema';
import { ConfigError } from '../config/load-config';
import type { Database } from '../db/schema';
import { OrganizationBindingError } from './binding-error';
import { claimOrganizationBinding } from './claim-binding';
import { readOrganizationBinding } from './read-binding';
import type { BindingClaim, OrganizationBinding } from './types';

export interface BindingGuard {
  /** The binding as stored now: read-only commands show it. */
  read(): Promise<OrganizationBinding | null>;
  /**
   * Before writing Zoho data (sync, workers, webhook intake, demo): binds an unbound database to
   * ZOHO_ORGANIZATION_ID or refuses one bound to another organization. Checked once: the outcome
   * is kept for the life of the core (docs/organization-binding.md).
   */
  claim(claimedBy: string): Promise<OrganizationBinding>;
  /** Before queue bookkeeping that leads to writes (heal, DLQ retry): refuses another organization's database, binds nothing. */
  check(action: string): Promise<void>;
}

/** The organization, data centre and API host this configuration talks to. */
export function bindingClaimFrom(config: Pick<TdsEnv, 'ZOHO_ORGANIZATION_ID' | 'ZOHO_DATA_CENTER' | 'ZOHO_API_URL'>, claimedBy: string): BindingClaim {
  if (!config.ZOHO_ORGANIZATION_ID) {
    throw new ConfigError([{ variable: 'ZOHO_ORGANIZATION_ID', message: 'is required to write Zoho data: the database records which organization it holds' }]);
  }
  let apiHost: string | null = null;
  try {
    apiHost = new URL(resolveZohoUrls({ dataCenter: config.ZOHO_DATA_CENTER, apiUrl: config.ZOHO_API_URL }).apiUrl).host;
  } catch {
    // a bad API URL is reported by the Zoho client; the binding only records it
  }
  return { organizationId: config.ZOHO_ORGANIZATION_ID, dataCenter: config.ZOHO_DATA_CENTER ?? null, apiHost, claimedBy };
}

export function createBindingGuard(db: Kysely<Database>, config: Pick<TdsEnv, 'ZOHO_ORGANIZATION_ID' | 'ZOHO_DATA_CENTER' | 'ZOHO_API_URL'>): BindingGuard {
  let claimed: Promise<OrganizationBinding> | undefined;
  return {
    read: () => readOrganizationBinding(db),
    claim(claimedBy) {
      claimed ??= (async () => claimOrganizationBinding(db, bindingClaimFrom(config, claimedBy), `write Zoho data (${claimedBy})`))();
      // A refusal stays a refusal; a lost connection is tried again by the next writer.
      claimed.catch((error: unknown) => {
        if (!(error instanceof OrganizationBindingError) && !(error instanceof ConfigError)) claimed = undefined;
      });
      return claimed;
    },
    async check(action) {
      if (!config.ZOHO_ORGANIZATION_ID) return;
      const binding = await readOrganizationBinding(db);
      if (binding && binding.organizationId !== config.ZOHO_ORGANIZATION_ID) throw new OrganizationBindingError(binding, config.ZOHO_ORGANIZATION_ID, action);
    },
  };
}
