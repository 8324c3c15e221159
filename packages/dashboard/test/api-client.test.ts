import { describe, expect, it } from 'vitest';
import { createApiClient } from '../src/lib/api-client';
import { ApiError } from '../src/lib/api-error';
import type { LiveSnapshot } from '../src/lib/types';

const TOKEN = 'admin-token-for-the-client-test';

interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
}

function recordingFetch(answer: (sent: Sent) => Response) {
  const sent: Sent[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const s: Sent = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? init.body : undefined,
    };
    sent.push(s);
    return answer(s);
  }) as typeof fetch;
  return { sent, fetchFn };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('createApiClient', () => {
  it('sends the token in the Authorization header of every call and never in a URL', async () => {
    const { sent, fetchFn } = recordingFetch((s) =>
      s.url.includes('/dlq?') ? json(200, { items: [] }) : s.url.endsWith('/entities') ? json(200, { entities: [] }) : json(200, { runId: 'r1', retried: 1, resolved: true }),
    );
    const client = createApiClient({ token: TOKEN, baseUrl: 'http://tds.test/', fetch: fetchFn });
    await client.entities();
    await client.deadLetters({ entity: 'products', includeResolved: true });
    await client.retryDeadLetter('all');
    await client.resolveDeadLetter('7', 'fixed in Zoho');
    await client.startSync('customers', 'full');
    expect(sent.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET http://tds.test/api/tds/entities',
      'GET http://tds.test/api/tds/dlq?limit=500&entity=products&includeResolved=true',
      'POST http://tds.test/api/tds/dlq/all/retry',
      'POST http://tds.test/api/tds/dlq/7/resolve',
      'POST http://tds.test/api/tds/sync/customers',
    ]);
    for (const s of sent) {
      expect(s.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
      expect(s.url).not.toContain(TOKEN);
    }
    expect(JSON.parse(sent[3].body!)).toEqual({ note: 'fixed in Zoho' });
    expect(JSON.parse(sent[4].body!)).toEqual({ mode: 'full' });
  });

  it('turns problem answers into ApiError and signs out on a refused token', async () => {
    let refused = 0;
    const { fetchFn } = recordingFetch((s) =>
      s.url.endsWith('/queue') ? json(403, { error: { status: 403, code: 'forbidden', message: 'The admin token is not valid' } }) : json(404, { error: { status: 404, code: 'dead_letter_not_found', message: 'No open dead letter with id 9' } }),
    );
    const client = createApiClient({ token: TOKEN, fetch: fetchFn, onUnauthorized: () => refused++ });
    const notFound = await client.retryDeadLetter('9').catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(ApiError);
    expect(notFound).toMatchObject({ status: 404, code: 'dead_letter_not_found', message: 'No open dead letter with id 9' });
    expect(refused).toBe(0);
    const forbidden = await client.queue().catch((e: unknown) => e);
    expect(forbidden).toMatchObject({ status: 403, code: 'forbidden', unauthorized: true });
    expect(refused).toBe(1);
  });

  it('reports an unreachable server as a network error', async () => {
    const client = createApiClient({ token: TOKEN, fetch: (async () => Promise.reject(new TypeError('fetch failed'))) as typeof fetch });
    await expect(client.queue()).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });

  it('reads live snapshots from the event stream with the token in a header', async () => {
    const snapshot = { at: '2026-11-29T12:00:00Z', queue: { pending: 3 } };
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const text = `retry: 2000\n\n: keep-alive\n\nevent: snapshot\ndata: ${JSON.stringify(snapshot)}\n\nevent: problem\ndata: {"message":"x"}\n\n`;
        // Cut mid-event, as a network would.
        controller.enqueue(encoder.encode(text.slice(0, 40)));
        controller.enqueue(encoder.encode(text.slice(40)));
        controller.close();
      },
    });
    const { sent, fetchFn } = recordingFetch(() => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }));
    const client = createApiClient({ token: TOKEN, fetch: fetchFn });
    const seen: LiveSnapshot[] = [];
    await client.liveSnapshots((s) => seen.push(s), new AbortController().signal);
    expect(seen).toEqual([snapshot]);
    expect(sent[0].url).toBe('/api/tds/events');
    expect(sent[0].headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(sent[0].headers.get('accept')).toBe('text/event-stream');
  });

  it('rejects an event stream the server refuses, and signs out when it refuses the token', async () => {
    let refused = 0;
    const { fetchFn } = recordingFetch(() => json(401, { error: { status: 401, code: 'unauthorized', message: 'An admin bearer token is required' } }));
    const client = createApiClient({ token: TOKEN, fetch: fetchFn, onUnauthorized: () => refused++ });
    await expect(client.followRun('r1', () => undefined, new AbortController().signal)).rejects.toMatchObject({ status: 401 });
    expect(refused).toBe(1);
  });
});
