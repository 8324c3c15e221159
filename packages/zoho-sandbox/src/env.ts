import type { ZohoSandbox } from './http/server';

/**
 * The environment (docs/architecture.md, "Configuration") that points TDS at a running sandbox, for `tds sandbox`
 * to print and `tds demo` to use. It holds the sandbox's own credentials and webhook secret.
 */
export function sandboxEnvironment(sandbox: Pick<ZohoSandbox, 'accountsUrl' | 'apiUrl' | 'organizationId' | 'credentials' | 'webhookSecret'>): Record<string, string> {
  return {
    ZOHO_CLIENT_ID: sandbox.credentials.clientId,
    ZOHO_CLIENT_SECRET: sandbox.credentials.clientSecret,
    ZOHO_REFRESH_TOKEN: sandbox.credentials.refreshToken,
    ZOHO_ORGANIZATION_ID: sandbox.organizationId,
    ZOHO_ACCOUNTS_URL: sandbox.accountsUrl,
    ZOHO_API_URL: sandbox.apiUrl,
    ZOHO_WEBHOOK_SECRET: sandbox.webhookSecret,
  };
}
