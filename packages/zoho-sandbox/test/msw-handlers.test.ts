import { createZohoClient, ZohoAuthError, ZohoQuotaExhaustedError, type ZohoClientOptions, type ZohoClock } from '@tsh/zoho-client';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxStore, zohoSandboxHandlers, type ZohoSandboxHandlers } from '../src/msw';

// A service's unit test as the package README shows it: msw intercepts fetch, the sandbox answers.
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** One clock for the sandbox's windows and the client's sleeps: a minute of backoff takes no real time. */
function sharedClock(start = Date.parse('2026-01-10T07:00:00Z')) {
  let now = start;
  const clock: ZohoClock = {
    now: () => now,
    sleep: async (ms) => {
      now += Math.max(0, ms);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return clock;
}

function clientFor(sandbox: ZohoSandboxHandlers, overrides: Partial<ZohoClientOptions> = {}) {
  return createZohoClient({
    organizationId: sandbox.organizationId,
    credentials: sandbox.credentials,
    accountsUrl: sandbox.accountsUrl,
    apiUrl: sandbox.apiUrl,
    // The client's own budget is generous so the sandbox's limits are the ones met.
    requestsPerMinute: 10_000,
    maxConcurrent: 50,
    ...overrides,
  });
}

describe('zohoSandboxHandlers with @tsh/zoho-client', () => {
  it('lists every item of the store across pages, one request per page', async () => {
    const store = createSandboxStore({ seed: 7, items: 450 });
    const sandbox = zohoSandboxHandlers(store, { seed: 7 });
    server.use(...sandbox.handlers);
    const client = clientFor(sandbox);

    const pages: number[] = [];
    const ids: string[] = [];
    for await (const page of client.inventory.items.pages({ perPage: 200 })) {
      pages.push(page.records.length);
      ids.push(...page.records.map((item) => item.item_id));
    }

    const expected = store.idsOf('item');
    expect(expected.length).toBeGreaterThan(400);
    expect(pages.length).toBe(Math.ceil(expected.length / 200));
    expect(pages.slice(0, -1).every((rows) => rows === 200)).toBe(true);
    expect(new Set(ids)).toEqual(new Set(expected));
    expect(ids.length).toBe(expected.length);
    expect(sandbox.stats().apiRequests).toBe(pages.length);
    expect(sandbox.stats().tokensMinted).toBe(1);
  });

  it('refuses a request past the per-minute limit with 429, and the client waits the window out', async () => {
    const clock = sharedClock();
    const store = createSandboxStore({ seed: 8, items: 450, now: clock.now });
    const sandbox = zohoSandboxHandlers(store, { seed: 8, requestsPerMinute: 2, clock: clock.now });
    server.use(...sandbox.handlers);
    // Backoff steps of 5, 10, 20, 40 s (jitter fixed at half) outlast the 60 s window within the retries.
    const client = clientFor(sandbox, { clock, maxRetries: 6, retryBaseDelayMs: 10_000, random: () => 0.5 });

    let count = 0;
    for await (const _item of client.inventory.items.iterate({ perPage: 100 })) count += 1;

    const stats = sandbox.stats();
    expect(count).toBe(store.count('item'));
    expect(stats.tooManyRequests).toBeGreaterThan(0);
    expect(stats.requests['/inventory/v1/items']?.['429']).toBe(stats.tooManyRequests);
    expect(stats.maxRequestsInWindow).toBeGreaterThan(2); // the refused ones arrived inside the window too
  });

  it('spends the daily quota: the client fails with ZohoQuotaExhaustedError after the last allowed page', async () => {
    const store = createSandboxStore({ seed: 9, items: 450 });
    const sandbox = zohoSandboxHandlers(store, { seed: 9, dailyLimit: 2 });
    server.use(...sandbox.handlers);
    const client = clientFor(sandbox, { onDailyQuotaExhausted: 'fail' });

    const seen: string[] = [];
    const listing = (async () => {
      for await (const item of client.inventory.items.iterate({ perPage: 100 })) seen.push(item.item_id);
    })();

    await expect(listing).rejects.toBeInstanceOf(ZohoQuotaExhaustedError);
    expect(seen.length).toBe(200);
    expect(sandbox.stats().requests['/inventory/v1/items']?.['200']).toBe(2);
  });

  it('answers the OAuth grant as Zoho does: a wrong client secret is invalid_client', async () => {
    const sandbox = zohoSandboxHandlers(createSandboxStore({ seed: 10, items: 5 }), { seed: 10 });
    server.use(...sandbox.handlers);
    const client = clientFor(sandbox, { credentials: { ...sandbox.credentials, clientSecret: 'not-the-secret' } });

    await expect(client.inventory.items.list()).rejects.toBeInstanceOf(ZohoAuthError);
    expect(sandbox.stats().tokenErrors).toEqual({ invalid_client: 1 });
    expect(sandbox.stats().apiRequests).toBe(0);
  });
});
