import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createZohoClient, type ZohoClientOptions, type ZohoClock } from '../src';

export const ORG = '60000000001';
export const CLIENT_SECRET = 'cs-0123456789abcdef-SECRET';
export const REFRESH_TOKEN = '1000.refresh.abcdef0123456789';
export const TOKEN_URL = 'https://accounts.zoho.com/oauth/v2/token';
export const BOOKS = 'https://www.zohoapis.com/books/v3';
export const INVENTORY = 'https://www.zohoapis.com/inventory/v1';

export const server = setupServer();

/** Starts msw for the file: every request must be handled, nothing reaches the network. */
export function useMsw(): void {
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
}

/** A clock whose sleep advances virtual time at once, so minutes of backoff take no real time. */
export function virtualClock(start = Date.UTC(2025, 5, 3, 12, 0, 0)) {
  let now = start;
  const sleeps: number[] = [];
  const clock: ZohoClock = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += Math.max(0, ms);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return { clock, sleeps, advance: (ms: number) => (now += ms), now: () => now };
}

/** A token endpoint that mints `tok-1`, `tok-2`, … and records every call. */
export function tokenEndpoint(options: { url?: string; expiresIn?: number; apiDomain?: string } = {}) {
  const calls: Array<{ body: URLSearchParams; url: string }> = [];
  const handler = http.post(options.url ?? TOKEN_URL, async ({ request }) => {
    calls.push({ body: new URLSearchParams(await request.text()), url: request.url });
    return HttpResponse.json({
      access_token: `tok-${calls.length}`,
      expires_in: options.expiresIn ?? 3600,
      api_domain: options.apiDomain ?? 'https://www.zohoapis.com',
      token_type: 'Bearer',
    });
  });
  return { handler, calls };
}

export function makeClient(overrides: Partial<ZohoClientOptions> = {}) {
  return createZohoClient({
    organizationId: ORG,
    credentials: { clientId: '1000.CLIENTID', clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN },
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    requestsPerMinute: 10_000,
    maxConcurrent: 100,
    ...overrides,
  });
}

export const ok = (body: Record<string, unknown>, init?: ResponseInit) =>
  HttpResponse.json({ code: 0, message: 'success', ...body }, init);

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
