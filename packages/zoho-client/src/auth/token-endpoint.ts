import { ZohoAuthError } from '../errors';
import type { HttpSend } from '../transport/transport';
import { TransportError } from '../transport/transport';
import type { StoredToken } from './token-store';

export interface ZohoCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** Refresh-token errors that only a person can fix by authorizing the app again. */
const REAUTHORIZE: Record<string, string> = {
  invalid_code: 'the refresh token is invalid, expired or revoked',
  invalid_client: 'the OAuth client id is unknown to this data centre',
  invalid_client_secret: 'the OAuth client secret is wrong',
  unauthorized_client: 'the OAuth client may not use this grant',
  invalid_grant: 'the refresh token was not accepted',
};

const DEFAULT_EXPIRES_IN_S = 3600;

function reauthorizeMessage(reason: string): string {
  return (
    `Zoho refused the token refresh (${reason}): ${REAUTHORIZE[reason]}. ` +
    'Re-authorize the app: check the client id, client secret and data centre, generate a new refresh token ' +
    '(with the ZohoBooks/ZohoInventory READ scopes) and configure it (ZOHO_REFRESH_TOKEN).'
  );
}

function isAccessDenied(body: Record<string, unknown>): boolean {
  const error = String(body.error ?? '').toLowerCase();
  const description = String(body.error_description ?? '').toLowerCase();
  return error === 'access denied' || description.includes('too many requests');
}

/** Seconds until expiry. Very old responses gave `expires_in` in milliseconds (with `expires_in_sec`). */
function expiresInSeconds(body: Record<string, unknown>): number {
  const value = Number(body.expires_in);
  if (Number.isFinite(value) && value > 0) return value > 86_400 ? Math.round(value / 1000) : value;
  const legacy = Number(body.expires_in_sec);
  return Number.isFinite(legacy) && legacy > 0 ? legacy : DEFAULT_EXPIRES_IN_S;
}

/** The token response's `api_domain` as given (an origin); whether a token may be sent there is decided where it is used (trustedApiDomain). */
function apiDomainOf(body: Record<string, unknown>): string | null {
  const domain = body.api_domain;
  if (typeof domain !== 'string') return null;
  try {
    return new URL(domain).origin;
  } catch {
    return null;
  }
}

/**
 * One refresh-token grant. Zoho often answers failures with HTTP 200 and an `error` field, so the
 * body decides, not the status. Credentials travel in the form body, never in the URL.
 */
export async function requestAccessToken(args: {
  send: HttpSend;
  tokenUrl: string;
  credentials: ZohoCredentials;
  timeoutMs: number;
  now: number;
  redact: (text: string) => string;
}): Promise<StoredToken> {
  const { credentials } = args;
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    refresh_token: credentials.refreshToken,
  });
  let status: number;
  let text: string;
  try {
    ({ status, text } = await args.send({
      method: 'POST',
      url: args.tokenUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      timeoutMs: args.timeoutMs,
    }));
  } catch (error) {
    const detail = error instanceof TransportError ? error.message : 'network error';
    throw new ZohoAuthError('network', `Could not reach the Zoho accounts server: ${detail}`, { retryable: true });
  }

  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    body = parsed as Record<string, unknown>;
  } catch {
    throw new ZohoAuthError('bad_response', `Zoho accounts answered HTTP ${status} without a JSON body`, { retryable: true });
  }

  if (body.error !== undefined || status >= 400) {
    const reason = String(body.error ?? `http_${status}`);
    if (isAccessDenied(body)) {
      throw new ZohoAuthError('access_denied', 'Zoho is throttling token refreshes (Access Denied: too many requests)', {
        retryable: true,
      });
    }
    if (reason in REAUTHORIZE) throw new ZohoAuthError(reason, reauthorizeMessage(reason));
    const description = typeof body.error_description === 'string' ? `: ${args.redact(body.error_description)}` : '';
    throw new ZohoAuthError(reason, `Zoho token refresh failed (${args.redact(reason)})${description}`, {
      retryable: status >= 500,
    });
  }

  if (typeof body.access_token !== 'string' || body.access_token === '') {
    throw new ZohoAuthError('bad_response', 'Zoho token response has no access_token', { retryable: true });
  }
  return {
    accessToken: body.access_token,
    expiresAt: new Date(args.now + expiresInSeconds(body) * 1000),
    apiDomain: apiDomainOf(body),
    refreshedAt: new Date(args.now),
  };
}
