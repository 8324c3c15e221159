import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createMemoryTokenStore } from '../src';
import { trustedApiDomain } from '../src/internal';
import { makeClient, ok, server, useMsw } from './helpers';

// The token response's (or the stored token's) api_domain decides where the bearer token goes,
// so only https hosts under Zoho's API domains are followed (docs/security.md).

useMsw();

const emptyItems = () => ok({ items: [], page_context: { page: 1, per_page: 200, has_more_page: false } });

/** Every host that received an Authorization header, with the header. */
function apiHosts(domains: string[]) {
  const seen: Array<{ host: string; authorization: string | null }> = [];
  for (const origin of domains) {
    server.use(
      http.get(`${origin}/books/v3/items`, ({ request }) => {
        seen.push({ host: new URL(request.url).origin, authorization: request.headers.get('authorization') });
        return emptyItems();
      }),
    );
  }
  return seen;
}

const tokenAnswering = (apiDomain: unknown) =>
  http.post('https://accounts.zoho.com/oauth/v2/token', () => HttpResponse.json({ access_token: 'tok-secret', expires_in: 3600, api_domain: apiDomain }));

const HOSTILE = [
  'http://www.zohoapis.eu',
  'https://evil.example.com',
  'https://www.zohoapis.com.evil.example',
  'https://zohoapis.com@evil.example',
  'https://www.zohoapis.eu:8443',
  'https://notzohoapis.com',
];

describe('api_domain allow-list', () => {
  it.each(HOSTILE)('a token response naming %s sends the token to the data centre host, with one warning', async (domain) => {
    const warnings: Array<{ message: string; fields?: Record<string, unknown> }> = [];
    server.use(tokenAnswering(domain));
    const seen = apiHosts(['https://www.zohoapis.com', 'http://www.zohoapis.eu', 'https://evil.example.com', 'https://www.zohoapis.com.evil.example', 'https://www.zohoapis.eu:8443', 'https://notzohoapis.com']);
    const logger = { debug() {}, info() {}, error() {}, warn: (message: string, fields?: Record<string, unknown>) => warnings.push({ message, fields }) };
    const client = makeClient({ logger });
    await client.books.items.list();
    await client.books.items.list();
    expect(seen).toEqual([
      { host: 'https://www.zohoapis.com', authorization: 'Zoho-oauthtoken tok-secret' },
      { host: 'https://www.zohoapis.com', authorization: 'Zoho-oauthtoken tok-secret' },
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/api_domain is not https under a Zoho API domain/);
    expect(JSON.stringify(warnings)).not.toContain('tok-secret');
  });

  it('the data centre of a Canadian client still follows a token naming another Zoho API domain (https)', async () => {
    server.use(
      http.post('https://accounts.zohocloud.ca/oauth/v2/token', () => HttpResponse.json({ access_token: 'tok-ca', expires_in: 3600, api_domain: 'https://www.zohoapis.com.au' })),
    );
    const seen = apiHosts(['https://www.zohoapis.com.au']);
    await makeClient({ dataCenter: 'ca' }).books.items.list();
    expect(seen.map((s) => s.host)).toEqual(['https://www.zohoapis.com.au']);
  });

  it('a stored token whose api_domain is hostile (a tampered row) is not followed either', async () => {
    const store = createMemoryTokenStore({ accessToken: 'stored-tok', expiresAt: new Date(Date.now() + 3600_000), apiDomain: 'https://evil.example.com', refreshedAt: new Date() });
    const seen = apiHosts(['https://www.zohoapis.eu', 'https://evil.example.com']);
    await makeClient({ dataCenter: 'eu', tokenStore: store }).books.items.list();
    expect(seen).toEqual([{ host: 'https://www.zohoapis.eu', authorization: 'Zoho-oauthtoken stored-tok' }]);
  });

  it('decides by scheme, host, port and credentials; the configured API URL is trusted as given', () => {
    for (const domain of ['https://www.zohoapis.com', 'https://www.zohoapis.eu/', 'https://zohoapis.in', 'https://www.zohoapis.com.cn', 'https://www.zohoapis.sa', 'https://www.zohoapis.jp', 'https://www.zohoapis.ca', 'https://WWW.ZOHOAPIS.COM.AU']) {
      expect(trustedApiDomain(domain)).toBe(new URL(domain).origin);
    }
    for (const domain of [...HOSTILE, 'https://user:pw@www.zohoapis.eu', 'ftp://www.zohoapis.com', 'not a url', 42, null]) expect(trustedApiDomain(domain)).toBeNull();
    expect(trustedApiDomain('http://127.0.0.1:4011', 'http://127.0.0.1:4011')).toBe('http://127.0.0.1:4011');
    expect(trustedApiDomain('http://127.0.0.1:4012', 'http://127.0.0.1:4011')).toBeNull();
  });
});
