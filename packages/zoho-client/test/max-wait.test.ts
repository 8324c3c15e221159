import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ZohoApiError, ZohoWaitTooLongError } from '../src';
import { createPQueueRateLimiter } from '../src/internal';
import { BOOKS, caught, makeClient, ok, server, tokenEndpoint, useMsw } from './helpers';

useMsw();

// maxWaitMs (src/rate-limit/rate-limiter.ts contract; docs/webhooks-and-queue.md): a call does not
// wait longer than its bound for the in-process limiter, a 429 pause or a retry backoff.

const itemsOk = () => ok({ items: [], page_context: { page: 1, per_page: 200, has_more_page: false } });

function countedItems(answer: () => Response | Promise<Response> = itemsOk) {
  const seen = { calls: 0 };
  server.use(
    tokenEndpoint().handler,
    http.get(`${BOOKS}/items`, () => {
      seen.calls += 1;
      return answer();
    }),
  );
  return seen;
}

describe('maxWaitMs with the in-process limiter', () => {
  it('a call whose slot is further away than maxWaitMs is refused at once with when to come back; it takes no slot', async () => {
    const seen = countedItems();
    // An hour's window and a bound of ten minutes: a call that slept until its bound would outlast the test.
    const client = makeClient({ rateLimiter: createPQueueRateLimiter({ requestsPerMinute: 2, intervalMs: 3_600_000 }) });
    const before = Date.now();
    await client.books.items.list();
    await client.books.items.list(); // the window's two slots
    const refused = await Promise.all([1, 2, 3].map(() => caught(client.books.items.list({}, { maxWaitMs: 600_000 }))));
    for (const error of refused) {
      expect(error).toBeInstanceOf(ZohoWaitTooLongError);
      expect(error).toMatchObject({ retryable: true, waitingFor: 'rate-limit-slot', endpoint: '/books/v3/items' });
      const retryAt = (error as ZohoWaitTooLongError).retryAt.getTime();
      // The first of the two slots leaves the window an hour after it started.
      expect(retryAt).toBeGreaterThanOrEqual(before + 3_600_000);
      expect(retryAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
      expect((error as ZohoWaitTooLongError).waitMs).toBeGreaterThan(600_000);
    }
    expect(seen.calls).toBe(2);
  });

  it('refusals take no slot: once the window moves on, the window allows its full count again', async () => {
    const seen = countedItems();
    const limiter = createPQueueRateLimiter({ requestsPerMinute: 2, intervalMs: 400 });
    const client = makeClient({ rateLimiter: limiter });
    await Promise.all([client.books.items.list(), client.books.items.list()]);
    const refused = await Promise.all(Array.from({ length: 5 }, () => caught(client.books.items.list({}, { maxWaitMs: 10 }))));
    expect(refused.every((e) => e instanceof ZohoWaitTooLongError)).toBe(true);
    const retryAt = Math.max(...refused.map((e) => (e as ZohoWaitTooLongError).retryAt.getTime()));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, retryAt - Date.now()) + 50));
    // Both go through within the bound: had a refusal taken a slot, the second would be refused.
    const again = await Promise.all([client.books.items.list({}, { maxWaitMs: 10 }), client.books.items.list({}, { maxWaitMs: 10 })]);
    expect(again).toHaveLength(2);
    expect(seen.calls).toBe(4);
  });

  it('a wait shorter than maxWaitMs is waited out and the call goes through', async () => {
    const seen = countedItems();
    const client = makeClient({ rateLimiter: createPQueueRateLimiter({ requestsPerMinute: 1, intervalMs: 100 }) });
    await client.books.items.list();
    await client.books.items.list({}, { maxWaitMs: 5_000 });
    expect(seen.calls).toBe(2);
  });

  it('a wait the limiter cannot foresee (every in-flight slot busy) ends at maxWaitMs without sending', async () => {
    let release: () => void = () => undefined;
    const seen = countedItems(() => new Promise<Response>((resolve) => (release = () => resolve(itemsOk()))));
    const client = makeClient({ rateLimiter: createPQueueRateLimiter({ requestsPerMinute: 100, maxConcurrent: 1 }) });
    const first = client.books.items.list();
    while (seen.calls === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const error = await caught(client.books.items.list({}, { maxWaitMs: 50 }));
    expect(error).toBeInstanceOf(ZohoWaitTooLongError);
    expect(error).toMatchObject({ waitingFor: 'rate-limit-slot' });
    release();
    await first;
    expect(seen.calls).toBe(1);
  });

  it('a 429 pause longer than maxWaitMs ends the call (the 429 as its cause) and later callers are refused without asking Zoho', async () => {
    const seen = countedItems(() => HttpResponse.json({ code: 44, message: 'too many requests' }, { status: 429, headers: { 'retry-after': '3600' } }));
    const client = makeClient();
    const before = Date.now();
    const error = await caught(client.books.items.list({}, { maxWaitMs: 3_000 }));
    expect(error).toBeInstanceOf(ZohoWaitTooLongError);
    expect(error).toMatchObject({ waitingFor: 'rate-limit-pause' });
    expect((error as ZohoWaitTooLongError).cause).toBeInstanceOf(ZohoApiError);
    expect((error as ZohoWaitTooLongError).retryAt.getTime()).toBeGreaterThanOrEqual(before + 3_600_000);
    const next = await caught(client.books.items.list({}, { maxWaitMs: 3_000 }));
    expect(next).toMatchObject({ waitingFor: 'rate-limit-pause' });
    expect(seen.calls).toBe(1);
  });

  it('a retry backoff longer than maxWaitMs ends the call with the failed answer as its cause', async () => {
    const seen = countedItems(() => HttpResponse.json({ code: 1000, message: 'internal error' }, { status: 500 }));
    const client = makeClient({ retryBaseDelayMs: 3_600_000, retryMaxDelayMs: 3_600_000, random: () => 0.5 });
    const error = await caught(client.books.items.list({}, { maxWaitMs: 3_000 }));
    expect(error).toBeInstanceOf(ZohoWaitTooLongError);
    expect(error).toMatchObject({ waitingFor: 'retry-backoff', waitMs: 1_800_000 });
    expect(((error as ZohoWaitTooLongError).cause as ZohoApiError).status).toBe(500);
    expect(seen.calls).toBe(1);
  });
});
