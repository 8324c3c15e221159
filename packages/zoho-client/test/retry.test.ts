import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ZohoApiError } from '../src';
import { type ZohoRetryEvent } from '../src/internal';
import { BOOKS, INVENTORY, caught, makeClient, ok, server, tokenEndpoint, useMsw } from './helpers';

useMsw();

const itemsPage = () => ok({ items: [{ item_id: '1', name: 'Widget' }], page_context: { page: 1, per_page: 200, has_more_page: false } });

/** A handler failing the first `failures.length` calls with the given responses, then succeeding. */
function flaky(url: string, failures: Array<() => Response | Promise<Response>>) {
  const state = { calls: 0 };
  const handler = http.get(url, async () => {
    const failure = failures[state.calls];
    state.calls += 1;
    return failure ? failure() : itemsPage();
  });
  return { handler, state };
}

describe('retries', () => {
  it('retries 500, 502, 503 and 504, then succeeds, reporting each retry', async () => {
    const statuses = [500, 502, 503, 504];
    const api = flaky(
      `${INVENTORY}/items`,
      statuses.map((status) => () => HttpResponse.json({ code: 1000, message: 'Internal error' }, { status })),
    );
    server.use(tokenEndpoint().handler, api.handler);
    const retries: ZohoRetryEvent[] = [];
    const client = makeClient({ hooks: { onRetry: (e) => void retries.push(e) } });
    const page = await client.inventory.items.list();
    expect(page.records.map((r) => r.name)).toEqual(['Widget']);
    expect(api.state.calls).toBe(5);
    expect(retries.map((r) => [r.attempt, (r.error as ZohoApiError).status])).toEqual([
      [1, 500],
      [2, 502],
      [3, 503],
      [4, 504],
    ]);
    expect(client.stats()).toMatchObject({ retries: 4, requests: { total: 5, byStatus: { 200: 1, 500: 1, 502: 1, 503: 1, 504: 1 } } });
  });

  it('retries an HTML body from a proxy (even with HTTP 200), then succeeds', async () => {
    const html = () => new HttpResponse('<html><body>Bad gateway</body></html>', { status: 200, headers: { 'content-type': 'text/html' } });
    const gateway = () => new HttpResponse('<html>502</html>', { status: 502, headers: { 'content-type': 'text/html' } });
    const api = flaky(`${INVENTORY}/items`, [html, gateway]);
    server.use(tokenEndpoint().handler, api.handler);
    const page = await makeClient().inventory.items.list();
    expect(page.records).toHaveLength(1);
    expect(api.state.calls).toBe(3);
  });

  it('retries a timed-out attempt (AbortSignal per attempt), then succeeds', async () => {
    const api = flaky(`${INVENTORY}/items`, [
      async () => {
        await delay('infinite');
        return itemsPage();
      },
    ]);
    server.use(tokenEndpoint().handler, api.handler);
    const responses: number[] = [];
    const client = makeClient({ timeoutMs: 100, hooks: { onResponse: (e) => void responses.push(e.status) } });
    const page = await client.inventory.items.list();
    expect(page.records).toHaveLength(1);
    expect(api.state.calls).toBe(2);
    expect(responses).toEqual([0, 200]);
    expect(client.stats().requests.byStatus).toEqual({ timeout: 1, 200: 1 });
  });

  it('retries network errors, then succeeds', async () => {
    const api = flaky(`${INVENTORY}/items`, [() => HttpResponse.error()]);
    server.use(tokenEndpoint().handler, api.handler);
    const client = makeClient();
    expect((await client.inventory.items.list()).records).toHaveLength(1);
    expect(client.stats().requests.byStatus).toEqual({ network: 1, 200: 1 });
  });

  it('gives up after maxRetries with a retryable ZohoApiError', async () => {
    const api = flaky(`${INVENTORY}/items`, Array.from({ length: 10 }, () => () => HttpResponse.json({ code: 1000, message: 'down' }, { status: 503 })));
    server.use(tokenEndpoint().handler, api.handler);
    const error = await caught(makeClient({ maxRetries: 2 }).inventory.items.list());
    expect(error).toBeInstanceOf(ZohoApiError);
    expect(error).toMatchObject({ status: 503, retryable: true, endpoint: '/inventory/v1/items' });
    expect(api.state.calls).toBe(3);
  });

  it('backs off exponentially with full jitter between attempts', async () => {
    const api = flaky(`${INVENTORY}/items`, Array.from({ length: 4 }, () => () => HttpResponse.json({ code: 1000 }, { status: 500 })));
    server.use(tokenEndpoint().handler, api.handler);
    const delays: number[] = [];
    const client = makeClient({
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 4,
      random: () => 0.999,
      hooks: { onRetry: (e) => void delays.push(e.delayMs) },
    });
    await client.inventory.items.list();
    expect(delays).toEqual([1, 2, 4, 4]); // base·2^n, capped, scaled by the jitter draw
  });
});

describe('errors surfaced at once', () => {
  for (const [status, code] of [
    [400, 4],
    [404, 1002],
    [405, 37],
  ] as const) {
    it(`HTTP ${status} is not retried`, async () => {
      const api = flaky(`${BOOKS}/invoices/123`, [() => HttpResponse.json({ code, message: 'Invalid value passed' }, { status })]);
      server.use(tokenEndpoint().handler, api.handler);
      const client = makeClient();
      const error = await caught(client.books.invoices.get('123'));
      expect(error).toBeInstanceOf(ZohoApiError);
      expect(error).toMatchObject({ status, code, retryable: false, endpoint: '/books/v3/invoices/123' });
      expect(api.state.calls).toBe(1);
      expect(client.stats().retries).toBe(0);
    });
  }

  it('code != 0 in an HTTP 200 body is an error', async () => {
    const api = flaky(`${BOOKS}/contacts`, [() => HttpResponse.json({ code: 6041, message: 'This user is not associated with the organization' })]);
    server.use(tokenEndpoint().handler, api.handler);
    const error = await caught(makeClient().books.contacts.list());
    expect(error).toMatchObject({ status: 200, code: 6041, retryable: false });
    expect((error as Error).message).toContain('not associated');
    expect(api.state.calls).toBe(1);
  });

  it('an HTML 404 (wrong URL) is not retried', async () => {
    const api = flaky(`${BOOKS}/contacts`, [() => new HttpResponse('<html>Not found</html>', { status: 404, headers: { 'content-type': 'text/html' } })]);
    server.use(tokenEndpoint().handler, api.handler);
    expect(await caught(makeClient().books.contacts.list())).toMatchObject({ status: 404, retryable: false });
    expect(api.state.calls).toBe(1);
  });

  it('a list response without its array is an error, not an empty page', async () => {
    server.use(tokenEndpoint().handler, http.get(`${BOOKS}/contacts`, () => ok({ something_else: [] })));
    expect(await caught(makeClient().books.contacts.list())).toMatchObject({ retryable: false, message: expect.stringContaining('"contacts"') });
  });
});

describe('observability', () => {
  it('reports request, response and retry hooks with durations; a throwing hook breaks nothing', async () => {
    const api = flaky(`${INVENTORY}/items`, [() => HttpResponse.json({ code: 1000 }, { status: 500 })]);
    server.use(tokenEndpoint().handler, api.handler);
    const events: string[] = [];
    const client = makeClient({
      hooks: {
        onRequest: (e) => void events.push(`request ${e.endpoint} #${e.attempt}`),
        onResponse: (e) => {
          events.push(`response ${e.status} ${typeof e.durationMs}`);
          throw new Error('hook bug');
        },
        onRetry: (e) => void events.push(`retry #${e.attempt}`),
        onTokenRefresh: (e) => void events.push(`token ${e.ok} ${typeof e.durationMs}`),
      },
    });
    await client.inventory.items.list();
    expect(events).toEqual([
      'token true number',
      'request /inventory/v1/items #1',
      'response 500 number',
      'retry #1',
      'request /inventory/v1/items #2',
      'response 200 number',
    ]);
    expect(client.stats().token).toMatchObject({ refreshCount: 1, expiresAt: expect.any(Date), lastRefreshAt: expect.any(Date) });
  });
});
