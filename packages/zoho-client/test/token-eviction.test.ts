import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ZohoApiError, createMemoryTokenStore, type TokenStore } from '../src';
import { BOOKS, TOKEN_URL, caught, makeClient, ok, server, useMsw } from './helpers';

useMsw();

/** Zoho keeps at most 10 live access tokens per refresh token: minting an 11th kills the oldest. */
const LIVE_TOKEN_LIMIT = 10;
const NOT_AUTHORIZED = { code: 57, message: 'You are not authorized to perform this operation' };

/**
 * A Zoho that enforces the live-token limit. `/items` answers any live token; `/bills` is outside
 * the granted scopes (401 code 57 even for a live token). `beforeAnswer` runs inside an API call,
 * before Zoho decides, so a test can mint elsewhere while a request is on the wire.
 */
function zohoWithLiveTokenLimit() {
  const live: string[] = [];
  let minted = 0;
  const mint = () => {
    const token = `tok-${++minted}`;
    live.push(token);
    if (live.length > LIVE_TOKEN_LIMIT) live.shift();
    return token;
  };
  const zoho = {
    live,
    minted: () => minted,
    /** Another tool using the same refresh token without our store (a script, a second deployment). */
    mintElsewhere: (count: number) => Array.from({ length: count }, mint),
    beforeAnswer: async (_request: Request): Promise<void> => undefined,
    handlers: [
      http.post(TOKEN_URL, () =>
        HttpResponse.json({ access_token: mint(), expires_in: 3600, api_domain: 'https://www.zohoapis.com', token_type: 'Bearer' }),
      ),
      http.get(`${BOOKS}/items`, async ({ request }) => {
        await zoho.beforeAnswer(request);
        const token = request.headers.get('authorization')?.replace('Zoho-oauthtoken ', '') ?? '';
        if (!live.includes(token)) return HttpResponse.json(NOT_AUTHORIZED, { status: 401 });
        return ok({ items: [], page_context: { page: 1, per_page: 200, has_more_page: false } });
      }),
      http.get(`${BOOKS}/bills`, () => HttpResponse.json(NOT_AUTHORIZED, { status: 401 })),
    ],
  };
  return zoho;
}

/** One token row shared by two clients, refreshed under one lock: the PostgreSQL store in memory. */
function sharedStore(): TokenStore {
  const inner = createMemoryTokenStore();
  let tail: Promise<unknown> = Promise.resolve();
  return {
    get: () => inner.get(),
    set: (token) => inner.set(token),
    withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
      const run = tail.then(fn, fn);
      tail = run.catch(() => undefined);
      return run;
    },
  };
}

function twoProcesses() {
  const store = sharedStore();
  return { store, a: makeClient({ tokenStore: store }), b: makeClient({ tokenStore: store }) };
}

describe('a second 401: evicted token or missing scope (docs/zoho-client-robustness.md)', () => {
  it('a shared token killed by the 11th-token rule after a first 401 is replaced, not reported as a scope error', async () => {
    const zoho = zohoWithLiveTokenLimit();
    server.use(...zoho.handlers);
    const { store, a, b } = twoProcesses();
    await a.auth.getAccessToken(); // tok-1, shared
    let round = 0;
    zoho.beforeAnswer = async () => {
      if (++round !== 1) return;
      // While A's call is on the wire: B replaces the token (tok-2), then another tool mints ten,
      // which kills tok-1 and tok-2 alike.
      await b.auth.refresh();
      zoho.mintElsewhere(LIVE_TOKEN_LIMIT);
    };
    await a.books.items.list(); // 401 on tok-1, adopts tok-2 from the store, 401 again, mints tok-13
    expect((await store.get())?.accessToken).toBe('tok-13');
    expect(zoho.live).toContain('tok-13');
    expect(zoho.minted()).toBe(13);
  });

  it('a token this request minted, killed before use while another process replaced it, is not a scope error', async () => {
    const zoho = zohoWithLiveTokenLimit();
    server.use(...zoho.handlers);
    const { store, a, b } = twoProcesses();
    await a.auth.getAccessToken(); // tok-1
    zoho.mintElsewhere(LIVE_TOKEN_LIMIT); // tok-2..tok-11: tok-1 is dead
    let round = 0;
    zoho.beforeAnswer = async (request) => {
      if (++round !== 2) return;
      expect(request.headers.get('authorization')).toBe('Zoho-oauthtoken tok-12'); // A minted it for this call
      await b.auth.refresh(); // tok-13 in the store
      zoho.mintElsewhere(LIVE_TOKEN_LIMIT - 1); // tok-12 is the oldest of 11: dead; tok-13 lives
    };
    await a.books.items.list();
    expect((await store.get())?.accessToken).toBe('tok-13');
    expect(zoho.minted()).toBe(22);
  });

  it('a 401 that persists with a token minted for this very request is a scope error, after one mint', async () => {
    const zoho = zohoWithLiveTokenLimit();
    server.use(...zoho.handlers);
    const { a, b } = twoProcesses();
    await b.auth.getAccessToken(); // tok-1, minted by the other process: A did not mint it
    const error = await caught(a.books.bills.list());
    expect(error).toBeInstanceOf(ZohoApiError);
    expect(error).toMatchObject({ status: 401, code: 57, retryable: false, endpoint: '/books/v3/bills' });
    expect((error as Error).message).toMatch(/scopes do not cover \/books\/v3\/bills/);
    expect(zoho.minted()).toBe(2);
  });

  it('tokens replaced again and again: gives up after a bounded number of mints, retryable', async () => {
    const zoho = zohoWithLiveTokenLimit();
    server.use(...zoho.handlers);
    const { a, b } = twoProcesses();
    await b.auth.getAccessToken();
    zoho.beforeAnswer = async () => {
      await b.auth.refresh();
      zoho.mintElsewhere(LIVE_TOKEN_LIMIT);
    };
    const error = await caught(a.books.items.list());
    expect(error).toMatchObject({ status: 401, retryable: true });
    expect((error as Error).message).toMatch(/replaced before it could be used/);
    expect((error as Error).message).not.toMatch(/scope/);
    expect(a.stats().token.refreshCount).toBe(0); // A never minted: B's tokens kept dying
  });

  it('seeded interleavings: evictions never turn into a scope error, and a missing scope never succeeds', async () => {
    let scopeErrors = 0;
    for (const seed of [1, 7, 42, 1234, 99991]) {
      const zoho = zohoWithLiveTokenLimit();
      server.use(...zoho.handlers);
      const { store, a, b } = twoProcesses();
      const third = makeClient({ tokenStore: store });
      let state = seed;
      const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const pick = () => (random() < 0.5 ? a : b);
      for (let round = 0; round < 12; round++) {
        // Between rounds another tool may kill the stored token outright.
        if (random() < 0.5) zoho.mintElsewhere(1 + Math.floor(random() * 12));
        // While calls are on the wire, up to two evictions: a third process of ours replaces the
        // shared token and other tools mint, killing the oldest tokens (not the newest stored one).
        let evictions = 2;
        zoho.beforeAnswer = async () => {
          if (evictions === 0 || random() < 0.5) return;
          evictions -= 1;
          await third.auth.refresh();
          zoho.mintElsewhere(1 + Math.floor(random() * (LIVE_TOKEN_LIMIT - 1)));
        };
        const calls = Array.from({ length: 3 }, async (_, i) => {
          const where = `seed ${seed} round ${round} call ${i}`;
          if (random() < 0.25) {
            // Refused for good, or (when every token it tried was replaced meanwhile) retried later.
            const error = await caught(pick().books.bills.list());
            expect(error, where).toMatchObject({ status: 401 });
            expect((error as Error).message, where).toMatch((error as ZohoApiError).retryable ? /replaced before/ : /scopes do not cover/);
            scopeErrors += (error as ZohoApiError).retryable ? 0 : 1;
          } else {
            await expect(pick().books.items.list(), where).resolves.toMatchObject({ records: [] });
          }
        });
        await Promise.all(calls);
      }
      server.resetHandlers();
    }
    expect(scopeErrors).toBeGreaterThan(0);
  });
});
