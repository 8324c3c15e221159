import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ZohoConfigError } from '../src';
import { ZOHO_DATA_CENTERS, resolveZohoUrls } from '../src/internal';
import { ORG, caught, makeClient, ok, server, useMsw } from './helpers';

useMsw();

const emptyItems = () => ok({ items: [], page_context: { page: 1, per_page: 200, has_more_page: false } });

describe('data centres', () => {
  it('maps every data centre to its accounts and API hosts (Canada: accounts.zohocloud.ca)', () => {
    expect(resolveZohoUrls({ dataCenter: 'ca' })).toEqual({
      tokenUrl: 'https://accounts.zohocloud.ca/oauth/v2/token',
      apiUrl: 'https://www.zohoapis.ca',
      apiUrlFixed: false,
    });
    expect(resolveZohoUrls({})).toMatchObject({ tokenUrl: 'https://accounts.zoho.com/oauth/v2/token', apiUrl: 'https://www.zohoapis.com' });
    const expected: Record<string, [string, string]> = {
      com: ['accounts.zoho.com', 'www.zohoapis.com'],
      eu: ['accounts.zoho.eu', 'www.zohoapis.eu'],
      in: ['accounts.zoho.in', 'www.zohoapis.in'],
      'com.au': ['accounts.zoho.com.au', 'www.zohoapis.com.au'],
      jp: ['accounts.zoho.jp', 'www.zohoapis.jp'],
      ca: ['accounts.zohocloud.ca', 'www.zohoapis.ca'],
      sa: ['accounts.zoho.sa', 'www.zohoapis.sa'],
      'com.cn': ['accounts.zoho.com.cn', 'www.zohoapis.com.cn'],
    };
    for (const [dc, [accounts, api]] of Object.entries(expected)) {
      expect(ZOHO_DATA_CENTERS[dc as keyof typeof ZOHO_DATA_CENTERS]).toEqual({ accountsUrl: `https://${accounts}`, apiUrl: `https://${api}` });
    }
  });

  it('rejects an unknown data centre and bad override URLs with a clear config error', () => {
    expect(() => makeClient({ dataCenter: 'ca2' as never })).toThrow(ZohoConfigError);
    expect(() => makeClient({ dataCenter: 'ca2' as never })).toThrow(/com, eu, in, com.au, jp, ca, sa, com.cn/);
    expect(() => makeClient({ apiUrl: 'not a url' })).toThrow(ZohoConfigError);
    expect(() => makeClient({ organizationId: '' })).toThrow(/organizationId/);
    expect(() => makeClient({ credentials: { clientId: 'a', clientSecret: '', refreshToken: 'r' } })).toThrow(/credentials.clientSecret/);
  });

  it('a Canadian client refreshes at accounts.zohocloud.ca and calls www.zohoapis.ca', async () => {
    const hosts: string[] = [];
    server.use(
      http.post('https://accounts.zohocloud.ca/oauth/v2/token', ({ request }) => {
        hosts.push(new URL(request.url).host);
        return HttpResponse.json({ access_token: 'tok-ca', expires_in: 3600, api_domain: 'https://www.zohoapis.ca' });
      }),
      http.get('https://www.zohoapis.ca/inventory/v1/items', ({ request }) => {
        hosts.push(new URL(request.url).host);
        return emptyItems();
      }),
    );
    await makeClient({ dataCenter: 'ca' }).inventory.items.list();
    expect(hosts).toEqual(['accounts.zohocloud.ca', 'www.zohoapis.ca']);
  });

  it('uses the api_domain of the token response as the API host', async () => {
    server.use(
      http.post('https://accounts.zoho.com/oauth/v2/token', () =>
        HttpResponse.json({ access_token: 'tok', expires_in: 3600, api_domain: 'https://www.zohoapis.eu' }),
      ),
      http.get('https://www.zohoapis.eu/books/v3/items', () => emptyItems()),
    );
    const page = await makeClient().books.items.list();
    expect(page.records).toEqual([]);
  });

  it('accountsUrl / apiUrl overrides win, and api_domain is then ignored', async () => {
    const seen: string[] = [];
    server.use(
      http.post('http://127.0.0.1:4010/oauth/v2/token', () => {
        seen.push('token');
        return HttpResponse.json({ access_token: 'tok', expires_in: 3600, api_domain: 'https://www.zohoapis.eu' });
      }),
      http.get('http://127.0.0.1:4011/books/v3/items', ({ request }) => {
        seen.push(`books ${new URL(request.url).searchParams.get('organization_id')}`);
        return emptyItems();
      }),
      http.get('http://127.0.0.1:4011/inventory/v1/items', () => {
        seen.push('inventory');
        return emptyItems();
      }),
    );
    const client = makeClient({ accountsUrl: 'http://127.0.0.1:4010/', apiUrl: 'http://127.0.0.1:4011' });
    await client.books.items.list();
    await client.inventory.items.list();
    expect(seen).toEqual(['token', `books ${ORG}`, 'inventory']);
  });

  it('an unreachable accounts host is a retryable auth error, then gives up', async () => {
    server.use(http.post('https://accounts.zoho.in/oauth/v2/token', () => HttpResponse.error()));
    const error = await caught(makeClient({ dataCenter: 'in', maxRetries: 1 }).books.items.list());
    expect(error).toMatchObject({ name: 'ZohoAuthError', reason: 'network', retryable: true });
  });
});
