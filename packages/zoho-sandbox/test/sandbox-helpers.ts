import type { ZohoSandbox } from '../src';

/** A hand-driven clock for the sandbox, so window and expiry tests never depend on wall time. */
export function manualClock(start = Date.parse('2026-01-10T07:00:00Z')) {
  let current = start;
  return {
    now: () => current,
    advance: (ms: number) => {
      current += ms;
    },
  };
}

export async function postToken(sandbox: ZohoSandbox, params: Record<string, string>, where: 'query' | 'form' = 'form') {
  const url = new URL(`${sandbox.accountsUrl}/oauth/v2/token`);
  let body: URLSearchParams | undefined;
  if (where === 'query') for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  else body = new URLSearchParams(params);
  const response = await fetch(url, { method: 'POST', body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export function refreshParams(sandbox: ZohoSandbox): Record<string, string> {
  return {
    grant_type: 'refresh_token',
    client_id: sandbox.credentials.clientId,
    client_secret: sandbox.credentials.clientSecret,
    refresh_token: sandbox.credentials.refreshToken,
  };
}

export async function accessToken(sandbox: ZohoSandbox): Promise<string> {
  const { body } = await postToken(sandbox, refreshParams(sandbox));
  if (typeof body.access_token !== 'string') throw new Error(`no token: ${JSON.stringify(body)}`);
  return body.access_token;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export async function apiGet(
  sandbox: ZohoSandbox,
  token: string | undefined,
  path: string,
  params: Record<string, string | undefined> = {},
  init: RequestInit = {},
): Promise<ApiAnswer> {
  const url = new URL(`${sandbox.apiUrl}${path}`);
  const query = { organization_id: sandbox.organizationId, ...params };
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Zoho-oauthtoken ${token}`;
  const response = await fetch(url, { ...init, headers: { ...headers, ...(init.headers as Record<string, string> | undefined) } });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export const SMALL_CATALOGUE = { items: 120, customers: 20, vendors: 6, invoices: 25, bills: 10, locations: 3 } as const;
