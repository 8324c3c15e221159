import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ZohoApiError, createMemoryTokenStore } from '../src';
import { FORCED_MINT_LIMIT, FORCED_MINT_WINDOW_MS } from '../src/auth/token-manager';
import { SCOPE_DENIAL_TTL_MS } from '../src/request/scope-denials';
import { BOOKS, ORG, caught, makeClient, ok, server, tokenEndpoint, useMsw, virtualClock } from './helpers';

useMsw();

const NOT_AUTHORIZED = { code: 57, message: 'You are not authorized to perform this operation' };
const NOT_IN_ORG = { code: 6041, message: 'This user is not associated with this organization.' };
const ITEMS_OK = () => ok({ items: [], page_context: { page: 1, per_page: 200, has_more_page: false } });
const billId = (i: number) => String(4600000000000000000n + BigInt(i));
const bearer = (request: Request) => request.headers.get('authorization')?.replace('Zoho-oauthtoken ', '') ?? '';

/** Bills are outside the granted scopes (401 code 57 for any token); items answer any token. */
function scopeDeniedBills() {
  const tokens = tokenEndpoint();
  const billCalls: string[] = [];
  server.use(
    tokens.handler,
    http.get(`${BOOKS}/bills/:id`, ({ request }) => {
      billCalls.push(bearer(request));
      return HttpResponse.json(NOT_AUTHORIZED, { status: 401 });
    }),
    http.get(`${BOOKS}/bills`, ({ request }) => {
      billCalls.push(bearer(request));
      return HttpResponse.json(NOT_AUTHORIZED, { status: 401 });
    }),
    http.get(`${BOOKS}/items`, () => ITEMS_OK()),
  );
  return { tokens, billCalls };
}

function expectScopeError(error: unknown, endpoint: RegExp) {
  expect(error).toBeInstanceOf(ZohoApiError);
  expect(error).toMatchObject({ status: 401, code: 57, retryable: false });
  expect((error as ZohoApiError).endpoint).toMatch(endpoint);
  expect((error as Error).message).toMatch(/scopes do not cover \/books\/v3\/bills/);
  expect((error as Error).message).toMatch(/ZohoBooks\.bills\.READ/);
  expect((error as Error).message).toMatch(new RegExp(`organization ${ORG}`));
}

describe('scope refusals are remembered: no mint per request (docs/zoho-client-robustness.md)', () => {
  it('1 working call + 12 GETs on a scope-denied module mint at most 2 tokens, each failing with the typed error', async () => {
    const { tokens, billCalls } = scopeDeniedBills();
    const client = makeClient();
    await client.books.items.list();
    for (let i = 0; i < 12; i++) {
      expectScopeError(await caught(client.books.bills.get(billId(i))), /^\/books\/v3\/bills\/\d+$/);
    }
    expect(tokens.calls.length).toBeLessThanOrEqual(2);
    expect(tokens.calls).toHaveLength(2); // tok-1, then the one fresh token the verdict rests on
    expect(billCalls).toEqual(['tok-1', 'tok-2', ...Array(11).fill('tok-2')]);
    const later = (await caught(client.books.bills.get(billId(99)))) as Error;
    expect(later.message).toMatch(/already refused on books READ \/bills/);
    // Items keep working with the same token.
    await expect(client.books.items.list()).resolves.toMatchObject({ records: [] });
    expect(tokens.calls).toHaveLength(2);
  });

  it('the verdict covers the whole module and method: a list after a refused get mints nothing', async () => {
    const { tokens } = scopeDeniedBills();
    const client = makeClient();
    expectScopeError(await caught(client.books.bills.get(billId(1))), /bills/);
    expectScopeError(await caught(client.books.bills.list()), /^\/books\/v3\/bills$/);
    expect(tokens.calls).toHaveLength(2);
  });

  it('a token minted after the verdict (to replace a dead token elsewhere) is refused at once as well', async () => {
    const tokens = tokenEndpoint();
    let killed = new Set<string>();
    server.use(
      tokens.handler,
      http.get(`${BOOKS}/bills`, () => HttpResponse.json(NOT_AUTHORIZED, { status: 401 })),
      // Items refuse a token another tool killed (a dead token, not a scope problem).
      http.get(`${BOOKS}/items`, ({ request }) => (killed.has(bearer(request)) ? HttpResponse.json(NOT_AUTHORIZED, { status: 401 }) : ITEMS_OK())),
    );
    const client = makeClient();
    expectScopeError(await caught(client.books.bills.list()), /bills/); // tok-1, tok-2: verdict on tok-2
    expect(tokens.calls).toHaveLength(2);
    killed = new Set(['tok-2']);
    await client.books.items.list(); // tok-2 dead: refreshed once to tok-3, as any dead token
    expect(tokens.calls).toHaveLength(3);
    expectScopeError(await caught(client.books.bills.list()), /bills/); // tok-3 is newer than tok-2: no mint
    expect(tokens.calls).toHaveLength(3);
  });

  it('20 parallel calls to a scope-denied module mint at most 2 tokens', async () => {
    const { tokens } = scopeDeniedBills();
    const client = makeClient();
    const errors = await Promise.all(Array.from({ length: 20 }, (_, i) => caught(client.books.bills.get(billId(i)))));
    for (const error of errors) expectScopeError(error, /bills/);
    expect(tokens.calls.length).toBeLessThanOrEqual(2);
    // And the same once the verdict stands, with a working call first.
    await client.books.items.list();
    const again = await Promise.all(Array.from({ length: 20 }, (_, i) => caught(client.books.bills.get(billId(i)))));
    for (const error of again) expectScopeError(error, /bills/);
    expect(tokens.calls.length).toBeLessThanOrEqual(2);
  });

  it('20 parallel calls after a working one (the token already known) mint one token between them', async () => {
    const { tokens } = scopeDeniedBills();
    const client = makeClient();
    await client.books.items.list();
    const errors = await Promise.all(Array.from({ length: 20 }, (_, i) => caught(client.books.bills.get(billId(i)))));
    for (const error of errors) expectScopeError(error, /bills/);
    expect(tokens.calls).toHaveLength(2);
  });

  it('a call refused on the old token after the replacement was minted counts that token as minted for it too', async () => {
    // A and B both hold tok-1. A's 401 mints tok-2 before B's 401 on tok-1 arrives; B's 401 on tok-2
    // then comes back before A's (so no verdict is remembered yet). B must not mint a third token.
    const tokens = tokenEndpoint();
    const seen: string[] = [];
    const until = async (ready: () => boolean) => {
      while (!ready()) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 50));
    };
    server.use(
      tokens.handler,
      http.get(`${BOOKS}/bills/:id`, async ({ request, params }) => {
        const who = `${String(params.id)}:${bearer(request)}`;
        seen.push(who);
        if (who === 'B:tok-1') await until(() => tokens.calls.length >= 2);
        if (who === 'A:tok-2') await until(() => seen.includes('B:tok-2'));
        return HttpResponse.json(NOT_AUTHORIZED, { status: 401 });
      }),
    );
    const client = makeClient();
    await client.auth.getAccessToken();
    const [a, b] = await Promise.all([caught(client.books.bills.get('A')), caught(client.books.bills.get('B'))]);
    expectScopeError(a, /bills\/A/);
    expectScopeError(b, /bills\/B/);
    expect(seen).toEqual(['A:tok-1', 'B:tok-1', 'A:tok-2', 'B:tok-2']);
    expect(tokens.calls).toHaveLength(2);
  });

  it('a verdict is forgotten after an hour: then at most one mint re-checks it', async () => {
    const { tokens } = scopeDeniedBills();
    const time = virtualClock();
    const client = makeClient({ clock: time.clock });
    expectScopeError(await caught(client.books.bills.list()), /bills/);
    expect(tokens.calls).toHaveLength(2);
    time.advance(SCOPE_DENIAL_TTL_MS - 60_000);
    // The token is near its expiry: a plain refresh mints tok-3, newer than the refused tok-2,
    // so the remembered verdict still answers for it.
    expect((await caught(client.books.bills.list())) as Error).toMatchObject({ message: expect.stringMatching(/already refused on/) });
    expect(tokens.calls).toHaveLength(3);
    time.advance(120_000);
    for (let i = 0; i < 5; i++) expectScopeError(await caught(client.books.bills.list()), /bills/);
    // The verdict expired: one forced mint (tok-4) re-checks it, then it is remembered again.
    expect(tokens.calls).toHaveLength(4);
  });
});

describe('401 code 6041: the organization is not the user’s', () => {
  it('fails at once, non-retryable, without minting any token', async () => {
    const tokens = tokenEndpoint();
    let apiCalls = 0;
    server.use(
      tokens.handler,
      http.get(`${BOOKS}/items`, () => {
        apiCalls += 1;
        return HttpResponse.json(NOT_IN_ORG, { status: 401 });
      }),
    );
    const now = Date.now();
    const store = createMemoryTokenStore({ accessToken: 'stored-token', expiresAt: new Date(now + 3_000_000), apiDomain: null, refreshedAt: new Date(now - 600_000) });
    const client = makeClient({ tokenStore: store });
    for (let i = 0; i < 3; i++) {
      const error = await caught(client.books.items.list());
      expect(error).toBeInstanceOf(ZohoApiError);
      expect(error).toMatchObject({ status: 401, code: 6041, retryable: false, endpoint: '/books/v3/items' });
      expect((error as Error).message).toMatch(new RegExp(`organization ${ORG} is not associated with the Zoho user`));
    }
    expect(apiCalls).toBe(3);
    expect(tokens.calls).toHaveLength(0);
  });
});

describe('a dead token is still refreshed', () => {
  it('401 code 57 on a token minted long ago: one refresh, then the call succeeds', async () => {
    const tokens = tokenEndpoint();
    const used: string[] = [];
    server.use(
      tokens.handler,
      http.get(`${BOOKS}/items`, ({ request }) => {
        used.push(bearer(request));
        return bearer(request) === 'old-token' ? HttpResponse.json(NOT_AUTHORIZED, { status: 401 }) : ITEMS_OK();
      }),
    );
    const now = Date.now();
    const store = createMemoryTokenStore({ accessToken: 'old-token', expiresAt: new Date(now + 600_000), apiDomain: null, refreshedAt: new Date(now - 3_000_000) });
    const client = makeClient({ tokenStore: store });
    await expect(client.books.items.list()).resolves.toMatchObject({ records: [] });
    expect(used).toEqual(['old-token', 'tok-1']);
    expect(tokens.calls).toHaveLength(1);
  });

  it('a dead token on one module refreshes even while another module is remembered as scope-denied', async () => {
    const { tokens } = scopeDeniedBills();
    let dead = '';
    server.use(http.get(`${BOOKS}/items`, ({ request }) => (bearer(request) === dead ? HttpResponse.json(NOT_AUTHORIZED, { status: 401 }) : ITEMS_OK())));
    const client = makeClient();
    expectScopeError(await caught(client.books.bills.list()), /bills/);
    dead = 'tok-2';
    await expect(client.books.items.list()).resolves.toMatchObject({ records: [] });
    expect(tokens.calls).toHaveLength(3);
  });
});

describe('forced refreshes are capped per client', () => {
  /** Another tool kills each of our tokens right after its first use: every next call is a 401. */
  function tokensKilledAfterOneUse(expiresIn = 3600) {
    const tokens = tokenEndpoint({ expiresIn });
    const usedOnce = new Set<string>();
    server.use(
      tokens.handler,
      http.get(`${BOOKS}/items`, ({ request }) => {
        const token = bearer(request);
        if (usedOnce.has(token)) return HttpResponse.json(NOT_AUTHORIZED, { status: 401 });
        usedOnce.add(token);
        return ITEMS_OK();
      }),
    );
    return tokens;
  }

  it(`tokens refused again and again: at most ${FORCED_MINT_LIMIT} forced mints per window, then a clear retryable error`, async () => {
    const tokens = tokensKilledAfterOneUse();
    const time = virtualClock();
    const client = makeClient({ clock: time.clock });
    const outcomes: Array<'ok' | ZohoApiError> = [];
    for (let i = 0; i < 12; i++) {
      outcomes.push(await client.books.items.list().then(() => 'ok' as const, (error: ZohoApiError) => error));
    }
    // Each refresh here is a genuine one (the retry succeeds), so only the cap stops the minting.
    expect(tokens.calls.length - 1).toBeLessThanOrEqual(FORCED_MINT_LIMIT);
    expect(outcomes.slice(0, FORCED_MINT_LIMIT + 1)).toEqual(Array(FORCED_MINT_LIMIT + 1).fill('ok'));
    const refused = outcomes.slice(FORCED_MINT_LIMIT + 1);
    expect(refused).toHaveLength(12 - FORCED_MINT_LIMIT - 1);
    for (const error of refused) {
      expect(error).toBeInstanceOf(ZohoApiError);
      expect(error).toMatchObject({ status: 401, code: 57, retryable: true, endpoint: '/books/v3/items' });
      expect((error as Error).message).toMatch(new RegExp(`${FORCED_MINT_LIMIT} access tokens were already minted because of 401 answers`));
      expect((error as Error).message).toMatch(/no new one is minted before/);
    }
    // Once the window has passed, a 401 may mint again.
    time.advance(FORCED_MINT_WINDOW_MS);
    await expect(client.books.items.list()).resolves.toMatchObject({ records: [] });
    expect(tokens.calls).toHaveLength(FORCED_MINT_LIMIT + 2);
  });

  it('code 57 on every module (an organization-wide refusal): the cap bounds the mints spent learning each module', async () => {
    const tokens = tokenEndpoint();
    server.use(tokens.handler, http.get(`${BOOKS}/:module`, () => HttpResponse.json(NOT_AUTHORIZED, { status: 401 })));
    const client = makeClient();
    const errors: ZohoApiError[] = [];
    for (let i = 0; i < 10; i++) errors.push((await caught(client.request('GET', 'books', `/module${i}`))) as ZohoApiError);
    expect(tokens.calls.length - 1).toBeLessThanOrEqual(FORCED_MINT_LIMIT);
    for (const error of errors) expect(error).toMatchObject({ status: 401, code: 57 });
    expect(errors.filter((e) => !e.retryable)).toHaveLength(FORCED_MINT_LIMIT);
    expect(errors.filter((e) => e.retryable).every((e) => /because of 401 answers/.test(e.message))).toBe(true);
    // A module already judged still answers with its own verdict, not the cap.
    expect((await caught(client.request('GET', 'books', '/module0'))) as Error).toMatchObject({ retryable: false });
  });

  it('expiry refreshes are not capped: an expired token is minted even past the cap', async () => {
    const tokens = tokensKilledAfterOneUse(600); // 10-minute tokens: refreshed 1 minute before expiry
    const time = virtualClock();
    const client = makeClient({ clock: time.clock });
    for (let i = 0; i < FORCED_MINT_LIMIT + 2; i++) await client.books.items.list().catch(() => undefined);
    expect(tokens.calls).toHaveLength(FORCED_MINT_LIMIT + 1);
    await expect(client.books.items.list()).rejects.toThrow(/because of 401 answers/); // the cap holds
    time.advance(FORCED_MINT_WINDOW_MS - 30_000); // the cap's window is still full; the token is about to expire
    await expect(client.books.items.list()).resolves.toMatchObject({ records: [] });
    expect(tokens.calls).toHaveLength(FORCED_MINT_LIMIT + 2);
  });
});
