/**
 * Refresh-token refusals only a person can fix (the zoho-client names them in its error, and the
 * PostgreSQL token store keeps that message in zoho_oauth_tokens.last_error).
 */
export const deadCredentialReasons = ['invalid_code', 'invalid_client_secret', 'invalid_client', 'unauthorized_client', 'invalid_grant'] as const;
export type DeadCredentialReason = (typeof deadCredentialReasons)[number];

const DEAD = new RegExp(`\\b(${deadCredentialReasons.join('|')})\\b`);
const UNREACHABLE = /could not reach the zoho accounts server|without a json body/i;

/** The refusal named in a refresh error, or null when the error is not one a person must fix. */
export function deadCredentialReason(lastError: string | null | undefined): DeadCredentialReason | null {
  if (!lastError) return null;
  const match = DEAD.exec(lastError);
  return match ? (match[1] as DeadCredentialReason) : null;
}

/**
 * What a recorded refresh refusal means for TDS right now:
 * - `accepted`: no refusal is recorded (or it was cleared by a refresh, or by a Zoho request that
 *   succeeded with the stored token after it);
 * - `refresh_failed`: the last refresh attempt was refused, but the stored access token has not
 *   expired, so every process keeps working with it. The attempt may have come from another shell
 *   with other credentials (`ZOHO_CLIENT_SECRET=… tds token refresh`): a warning, not a dead credential;
 * - `refused`: refused and no unexpired token is left: nothing can be fetched until a person acts.
 */
export type CredentialState = 'accepted' | 'refresh_failed' | 'refused';

export function credentialStateOf(token: { hasToken: boolean; expiresInSeconds: number | null; lastError: string | null }): {
  state: CredentialState;
  reason: DeadCredentialReason | null;
} {
  const reason = deadCredentialReason(token.lastError);
  if (reason === null) return { state: 'accepted', reason };
  const tokenUsable = token.hasToken && (token.expiresInSeconds ?? 0) > 0;
  return { state: tokenUsable ? 'refresh_failed' : 'refused', reason };
}

/** True when the refresh failed because Zoho's accounts server could not be reached (or answered garbage). */
export function isUnreachableError(lastError: string | null | undefined): boolean {
  return !!lastError && UNREACHABLE.test(lastError);
}

const FIRST_STEP: Record<DeadCredentialReason, string> = {
  invalid_code: 'Zoho no longer accepts the refresh token (revoked, expired, or replaced by a newer one).',
  invalid_client_secret: 'Zoho rejected the client secret: check ZOHO_CLIENT_SECRET against the Zoho API console.',
  invalid_client: 'Zoho does not know the client id in this data centre: check ZOHO_CLIENT_ID and ZOHO_DATA_CENTER.',
  unauthorized_client: 'The OAuth client may not use the refresh-token grant: use a Self Client or server-based client.',
  invalid_grant: 'Zoho did not accept the refresh token.',
};

/** How to re-authorize, for alerts and reports. Names the variables to set, never their values. */
export function reauthorizeHint(reason: DeadCredentialReason | string): string {
  const first = FIRST_STEP[reason as DeadCredentialReason] ?? 'Zoho refused the refresh token.';
  return (
    `${first} Re-authorize: in the Zoho API console (https://api-console.zoho.com, same data centre as ZOHO_DATA_CENTER) ` +
    'generate a new grant code for your client with the ZohoBooks and ZohoInventory READ scopes, exchange it for a new ' +
    'refresh token, set ZOHO_REFRESH_TOKEN to it (with ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET of the same client), ' +
    'then restart TDS or run `tds token refresh`. Syncing resumes on its own once a token refresh succeeds.'
  );
}
