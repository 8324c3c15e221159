import { createZohoClient, type ZohoClient } from '@tsh/zoho-client';
import { http, HttpResponse, type HttpResponseResolver } from 'msw';
import { setupServer } from 'msw/node';
import { createSyncHandlers } from '../../src/handlers';
import type { EntityType } from '../../src/transform';
import type { WebhookIngestDeps } from '../../src/webhooks';
import type { BatchHandler } from '../../src/workers';
import { createTestDatabase, type TestDatabase } from './test-db';

export const ACCOUNTS = 'https://accounts.zoho.test';
export const API = 'https://api.zoho.test';
const INVENTORY = `${API}/inventory/v1`;
const BOOKS = `${API}/books/v3`;

const notFound = () => HttpResponse.json({ code: 1002, message: 'Item does not exist.' }, { status: 404 });

/**
 * A minimal Zoho for handler tests, served through msw: the records it holds (items, contacts) are
 * live, any other id does not exist (404 / code 1002). Every API request is counted by path, so a
 * test can assert how much of the Zoho budget a scenario spent. `itemDetails` may be overridden
 * to make a batch fail as a whole.
 */
export function createMswZoho() {
  const items = new Map<string, Record<string, unknown>>();
  const contacts = new Map<string, Record<string, unknown>>();
  const requests: string[] = [];
  let itemDetailsOverride: ((ids: string[]) => Response | undefined) | undefined;

  const counted =
    (resolver: HttpResponseResolver): HttpResponseResolver =>
    (info) => {
      requests.push(new URL(info.request.url).pathname.replace(/\/\d+$/, '/:id'));
      return resolver(info);
    };

  const server = setupServer(
    http.post(`${ACCOUNTS}/oauth/v2/token`, () => HttpResponse.json({ access_token: 'tok', expires_in: 3600, api_domain: API, token_type: 'Bearer' })),
    http.get(
      `${INVENTORY}/itemdetails`,
      counted(({ request }) => {
        const ids = (new URL(request.url).searchParams.get('item_ids') ?? '').split(',').filter(Boolean);
        const refused = itemDetailsOverride?.(ids);
        if (refused) return refused;
        return HttpResponse.json({ code: 0, message: 'success', items: ids.flatMap((id) => (items.has(id) ? [items.get(id)] : [])) });
      }),
    ),
    http.get(
      `${INVENTORY}/items/:id`,
      counted(({ params }) => (items.has(String(params.id)) ? HttpResponse.json({ code: 0, message: 'success', item: items.get(String(params.id)) }) : notFound())),
    ),
    http.get(
      `${INVENTORY}/items`,
      counted(() =>
        HttpResponse.json({ code: 0, message: 'success', items: [...items.values()], page_context: { page: 1, per_page: 200, has_more_page: false } }),
      ),
    ),
    http.get(
      `${BOOKS}/contacts/:id`,
      counted(({ params }) => (contacts.has(String(params.id)) ? HttpResponse.json({ code: 0, message: 'success', contact: contacts.get(String(params.id)) }) : notFound())),
    ),
  );

  return {
    server,
    items,
    contacts,
    /** How many API requests went to this path (`/inventory/v1/itemdetails`, `/inventory/v1/items/:id`, …), or to any path. */
    requests: (path?: string) => requests.filter((p) => path === undefined || p === path).length,
    refuseItemDetails(override: ((ids: string[]) => Response | undefined) | undefined) {
      itemDetailsOverride = override;
    },
    reset() {
      items.clear();
      contacts.clear();
      requests.length = 0;
      itemDetailsOverride = undefined;
    },
    client(): ZohoClient {
      return createZohoClient({
        organizationId: '60000000001',
        credentials: { clientId: '1000.CLIENTID', clientSecret: 'client-secret', refreshToken: '1000.refresh' },
        accountsUrl: ACCOUNTS,
        apiUrl: API,
        requestsPerMinute: 100_000,
        retryBaseDelayMs: 1,
        retryMaxDelayMs: 5,
      });
    },
  };
}

/** What a webhook intake test works with: its database, the Zoho client, the intake deps and the sync handlers. */
export interface WebhookIntake {
  t: TestDatabase;
  zoho: ZohoClient;
  deps: WebhookIngestDeps;
  handlers: Record<EntityType, BatchHandler>;
}

/** Starts the fake Zoho and a throwaway database for a webhook intake test (call from beforeAll). */
export async function startWebhookIntake(zohoFake: ReturnType<typeof createMswZoho>, secret: string): Promise<WebhookIntake> {
  zohoFake.server.listen({ onUnhandledRequest: 'error' });
  const t = await createTestDatabase();
  const zoho = zohoFake.client();
  return { t, zoho, deps: { db: t.db, secret }, handlers: createSyncHandlers({ db: t.db, zoho }) };
}

/** Stops what startWebhookIntake started (call from afterAll; t may be unset if beforeAll failed). */
export async function stopWebhookIntake(zohoFake: ReturnType<typeof createMswZoho>, t: TestDatabase | undefined): Promise<void> {
  zohoFake.server.close();
  await t?.close();
}
