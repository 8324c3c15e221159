import { ZohoConfigError } from './errors';

export type ZohoDataCenter = 'com' | 'eu' | 'in' | 'com.au' | 'jp' | 'ca' | 'sa' | 'com.cn';

/** Accounts (OAuth) and API hosts of each Zoho data centre. Canada's accounts host is zohocloud.ca, not zoho.ca. */
export const ZOHO_DATA_CENTERS: Readonly<Record<ZohoDataCenter, { accountsUrl: string; apiUrl: string }>> = {
  com: { accountsUrl: 'https://accounts.zoho.com', apiUrl: 'https://www.zohoapis.com' },
  eu: { accountsUrl: 'https://accounts.zoho.eu', apiUrl: 'https://www.zohoapis.eu' },
  in: { accountsUrl: 'https://accounts.zoho.in', apiUrl: 'https://www.zohoapis.in' },
  'com.au': { accountsUrl: 'https://accounts.zoho.com.au', apiUrl: 'https://www.zohoapis.com.au' },
  jp: { accountsUrl: 'https://accounts.zoho.jp', apiUrl: 'https://www.zohoapis.jp' },
  ca: { accountsUrl: 'https://accounts.zohocloud.ca', apiUrl: 'https://www.zohoapis.ca' },
  sa: { accountsUrl: 'https://accounts.zoho.sa', apiUrl: 'https://www.zohoapis.sa' },
  'com.cn': { accountsUrl: 'https://accounts.zoho.com.cn', apiUrl: 'https://www.zohoapis.com.cn' },
};

export type ZohoApiName = 'books' | 'inventory';

export const ZOHO_API_PATHS: Readonly<Record<ZohoApiName, string>> = { books: '/books/v3', inventory: '/inventory/v1' };

export interface ZohoUrls {
  tokenUrl: string;
  /** API host chosen from the data centre, or the `apiUrl` override. */
  apiUrl: string;
  /** True when `apiUrl` was given: the token response's `api_domain` is then ignored. */
  apiUrlFixed: boolean;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

function checkUrl(name: string, url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not http(s)');
  } catch {
    throw new ZohoConfigError(`${name} must be an http(s) URL, got ${JSON.stringify(url)}`);
  }
  return trimSlash(url);
}

export function isZohoDataCenter(value: unknown): value is ZohoDataCenter {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ZOHO_DATA_CENTERS, value);
}

/** Resolves the token endpoint and API host from the data centre and the optional overrides. */
export function resolveZohoUrls(args: { dataCenter?: string; accountsUrl?: string; apiUrl?: string }): ZohoUrls {
  const dataCenter = args.dataCenter ?? 'com';
  if (!isZohoDataCenter(dataCenter)) {
    throw new ZohoConfigError(
      `Unknown Zoho data centre ${JSON.stringify(dataCenter)}; use one of ${Object.keys(ZOHO_DATA_CENTERS).join(', ')}`,
    );
  }
  const hosts = ZOHO_DATA_CENTERS[dataCenter];
  const accountsUrl = args.accountsUrl ? checkUrl('accountsUrl', args.accountsUrl) : hosts.accountsUrl;
  const apiUrl = args.apiUrl ? checkUrl('apiUrl', args.apiUrl) : hosts.apiUrl;
  return { tokenUrl: `${accountsUrl}/oauth/v2/token`, apiUrl, apiUrlFixed: Boolean(args.apiUrl) };
}

const API_DOMAIN_SUFFIXES = Object.values(ZOHO_DATA_CENTERS).map(({ apiUrl }) => new URL(apiUrl).hostname.replace(/^www\./, ''));

/**
 * The origin of an `api_domain` (from a token response or the stored token) when the bearer token
 * may be sent there: https on the default port, a host under one of Zoho's API domains
 * (zohoapis.com, .eu, .in, .com.au, .jp, .ca, .sa, .com.cn), or exactly `configuredApiUrl`.
 * Null for anything else (http:, another host, a port, credentials): the caller keeps its own host.
 */
export function trustedApiDomain(domain: unknown, configuredApiUrl?: string | null): string | null {
  if (typeof domain !== 'string') return null;
  let url: URL;
  try {
    url = new URL(domain);
  } catch {
    return null;
  }
  if (configuredApiUrl && url.origin === new URL(configuredApiUrl).origin) return url.origin;
  if (url.protocol !== 'https:' || url.port !== '' || url.username !== '' || url.password !== '') return null;
  const host = url.hostname.toLowerCase();
  return API_DOMAIN_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`)) ? url.origin : null;
}

/** Base URL of one API under a host: `${host}/books/v3` or `${host}/inventory/v1`. */
export function apiBaseUrl(host: string, api: ZohoApiName): string {
  return `${trimSlash(host)}${ZOHO_API_PATHS[api]}`;
}
