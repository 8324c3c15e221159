import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ZohoAbortedError } from '../src';
import { BOOKS, INVENTORY, caught, makeClient, ok, server, tokenEndpoint, useMsw } from './helpers';

useMsw();

const itemsOk = (headers?: Record<string, string>) =>
  ok({ items: [], page_context: { page: 1, per_page: 200, has_more_page: false } }, { headers });

/** An API endpoint that never answers; it records each request and whether its connection was aborted. */
function hangingEndpoint(url: string) {
  const seen: Array<{ aborted: Promise<true> }> = [];
  const handler = http.get(url, ({ request }) => {
    const aborted = new Promise<true>((resolve) => request.signal.addEventListener('abort', () => resolve(true), { once: true }));
    seen.push({ aborted });
    return new Promise<Response>(() => undefined);
  });
  return { handler, seen };
}

/** Resolves once `count` requests reached the endpoint (polled on the event loop, no wall clock). */
async function reached(seen: unknown[], count: number): Promise<void> {
  while (seen.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('per-call AbortSignal (docs/zoho-client-robustness.md)', () => {
  it('aborting a call cancels its HTTP request: the server sees it aborted, the call rejects with ZohoAbortedError', async () => {
    const hanging = hangingEndpoint(`${BOOKS}/invoices/:id`);
    server.use(tokenEndpoint().handler, hanging.handler);
    const controller = new AbortController();
    const call = caught(makeClient().books.invoices.get('4000000000001', undefined, { signal: controller.signal }));
    await reached(hanging.seen, 1);
    controller.abort(new Error('handler time limit of 50 ms reached'));
    const error = await call;
    expect(error).toBeInstanceOf(ZohoAbortedError);
    expect(error).toMatchObject({ retryable: true, endpoint: '/books/v3/invoices/4000000000001', phase: 'in-flight' });
    expect((error as ZohoAbortedError).inFlightMs).toBeGreaterThan(0);
    expect((error as Error).message).toMatch(/handler time limit of 50 ms reached/);
    expect(await hanging.seen[0]!.aborted).toBe(true);
    expect(hanging.seen).toHaveLength(1); // not retried after the abort
  });

  it('list, iterate and itemdetails pass the signal through', async () => {
    const list = hangingEndpoint(`${BOOKS}/contacts`);
    const details = hangingEndpoint(`${INVENTORY}/itemdetails`);
    server.use(tokenEndpoint().handler, list.handler, details.handler);
    const client = makeClient();
    for (const [start, endpoint] of [
      [(signal: AbortSignal) => client.books.contacts.list({}, { signal }), list],
      [(signal: AbortSignal) => client.books.contacts.iterate({}, { signal }).next(), list],
      [(signal: AbortSignal) => client.inventory.itemDetails.list(['1', '2'], { signal }), details],
    ] as const) {
      const controller = new AbortController();
      const before = endpoint.seen.length;
      const call = caught(start(controller.signal));
      await reached(endpoint.seen, before + 1);
      controller.abort();
      expect(await call).toBeInstanceOf(ZohoAbortedError);
      expect(await endpoint.seen[before]!.aborted).toBe(true);
    }
  });

  it('a signal aborted before the call sends nothing', async () => {
    let calls = 0;
    server.use(
      tokenEndpoint().handler,
      http.get(`${BOOKS}/items`, () => {
        calls += 1;
        return itemsOk();
      }),
    );
    const error = await caught(makeClient().books.items.list({}, { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(ZohoAbortedError);
    expect(calls).toBe(0);
  });

  it('aborting while the call waits for a rate-limit slot stops the wait; it never reaches Zoho', async () => {
    let calls = 0;
    server.use(
      tokenEndpoint().handler,
      http.get(`${BOOKS}/items`, () => {
        calls += 1;
        return itemsOk();
      }),
    );
    const client = makeClient({ requestsPerMinute: 1 });
    await client.books.items.list(); // the minute's only slot
    const controller = new AbortController();
    const waiting = caught(client.books.items.list({}, { signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort(new Error('deadline'));
    const error = await waiting;
    expect(error).toBeInstanceOf(ZohoAbortedError); // without the abort: a minute's wait, past the test timeout
    expect(error).toMatchObject({ phase: 'waiting', inFlightMs: 0 });
    expect(calls).toBe(1);
  });

  it('aborting during the pause after a 429 stops the wait', async () => {
    let calls = 0;
    server.use(
      tokenEndpoint().handler,
      http.get(`${BOOKS}/items`, () => {
        calls += 1;
        return HttpResponse.json({ code: 44, message: 'too many requests' }, { status: 429, headers: { 'retry-after': '3600' } });
      }),
    );
    const controller = new AbortController();
    const call = caught(makeClient().books.items.list({}, { signal: controller.signal }));
    while (calls === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const error = await call;
    expect(error).toBeInstanceOf(ZohoAbortedError); // without the abort: an hour's pause
    expect(error).toMatchObject({ phase: 'waiting' });
    expect(calls).toBe(1);
  });

  it('aborting during a retry backoff stops the wait', async () => {
    let calls = 0;
    server.use(
      tokenEndpoint().handler,
      http.get(`${BOOKS}/items`, () => {
        calls += 1;
        return HttpResponse.json({ code: 1000, message: 'internal error' }, { status: 500 });
      }),
    );
    const controller = new AbortController();
    const client = makeClient({ retryBaseDelayMs: 3_600_000, retryMaxDelayMs: 3_600_000, random: () => 0.999 });
    const call = caught(client.books.items.list({}, { signal: controller.signal }));
    while (calls === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    const error = await call;
    expect(error).toBeInstanceOf(ZohoAbortedError);
    expect(error).toMatchObject({ phase: 'waiting' });
    expect(calls).toBe(1);
  });

  it('aborting while the daily quota is spent stops the wait for the reset', async () => {
    let calls = 0;
    server.use(
      tokenEndpoint().handler,
      http.get(`${BOOKS}/items`, () => {
        calls += 1;
        return itemsOk({ 'x-rate-limit-limit': '1000', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '3600' });
      }),
    );
    const client = makeClient();
    await client.books.items.list();
    const controller = new AbortController();
    const call = caught(client.books.items.list({}, { signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    const error = await call;
    expect(error).toBeInstanceOf(ZohoAbortedError);
    expect(error).toMatchObject({ phase: 'waiting' });
    expect(calls).toBe(1);
  });
});
