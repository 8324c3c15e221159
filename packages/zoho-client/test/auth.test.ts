import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ZohoApiError, ZohoAuthError, createMemoryTokenStore, type StoredToken, type TokenStore } from '../src';
import { BOOKS, CLIENT_SECRET, REFRESH_TOKEN, TOKEN_URL, caught, makeClient, ok, server, tokenEndpoint, useMsw, virtualClock } from './helpers';

useMsw();

const itemsOk = () => ok({ items: [], page_context: { page: 1, per_page: 200, has_more_page: false } });

describe('token refresh', () => {
  it('sends the refresh-token grant in the form body and the token in the Zoho-oauthtoken header', async () => {
    const tokens = tokenEndpoint();
    const auths: Array<string | null> = [];
    server.use(
      tokens.handler,
      http.get(`${BOOKS}/items`, ({ request }) => {
        auths.push(request.headers.get('authorization'));
        expect(new URL(request.url).searchParams.has('access_token')).toBe(false);
        return itemsOk();
      }),
    );
    await makeClient().books.items.list();
    expect(auths).toEqual(['Zoho-oauthtoken tok-1']);
    expect(Object.fromEntries(tokens.calls[0]!.body)).toEqual({
      grant_type: 'refresh_token',
      client_id: '1000.CLIENTID',
      client_secret: CLIENT_SECRET,
      refresh_token: REFRESH_TOKEN,
    });
    expect(new URL(tokens.calls[0]!.url).search).toBe('');
  });

  it('reuses the token until 5 minutes before expiry, then refreshes ahead of time', async () => {
    const time = virtualClock();
    const tokens = tokenEndpoint({ expiresIn: 3600 });
    const used: Array<string | null> = [];
    server.use(
      tokens.handler,
      http.get(`${BOOKS}/items`, ({ request }) => {
        used.push(request.headers.get('authorization'));
        return itemsOk();
      }),
    );
    const client = makeClient({ clock: time.clock });
    await client.books.items.list();
    time.advance(54 * 60_000); // 6 min before expiry: still fresh
    await client.books.items.list();
    time.advance(2 * 60_000); // 4 min before expiry: inside the 5-min margin
    await client.books.items.list();
    expect(used).toEqual(['Zoho-oauthtoken tok-1', 'Zoho-oauthtoken tok-1', 'Zoho-oauthtoken tok-2']);
    expect(tokens.calls).toHaveLength(2);
    const status = client.auth.status();
    expect(status.expiresAt?.getTime()).toBe(time.now() + 3600_000);
    expect(status.refreshCount).toBe(2);
    expect(JSON.stringify(status)).not.toContain('tok-');
  });

  it('a token shorter-lived than the margin is reused for most of its life, not refreshed per call', async () => {
    const time = virtualClock();
    const tokens = tokenEndpoint({ expiresIn: 30 });
    server.use(tokens.handler, http.get(`${BOOKS}/items`, () => itemsOk()));
    const client = makeClient({ clock: time.clock });
    await client.books.items.list();
    for (let second = 5; second <= 25; second += 5) {
      time.advance(5_000);
      await client.books.items.list();
    }
    expect(tokens.calls).toHaveLength(1);
    time.advance(3_500); // 28.5 s: inside the last tenth of its life
    await client.books.items.list();
    expect(tokens.calls).toHaveLength(2);
  });

  it('single-flight: 100 concurrent calls on an expired token cause exactly one refresh', async () => {
    const tokens = tokenEndpoint();
    let apiCalls = 0;
    server.use(
      tokens.handler,
      http.get(`${BOOKS}/contacts`, () => {
        apiCalls += 1;
        return ok({ contacts: [], page_context: { page: 1, per_page: 200, has_more_page: false } });
      }),
    );
    const client = makeClient({ maxConcurrent: 100 });
    await Promise.all(Array.from({ length: 100 }, () => client.books.contacts.list()));
    const direct = await Promise.all(Array.from({ length: 100 }, () => client.auth.getAccessToken()));
    expect(tokens.calls).toHaveLength(1);
    expect(apiCalls).toBe(100);
    expect(new Set(direct)).toEqual(new Set(['tok-1']));
    expect(client.stats().token.refreshCount).toBe(1);
  });

  it('re-reads a shared store under its lock: another process may have refreshed already', async () => {
    const time = virtualClock();
    const tokens = tokenEndpoint();
    let held = false;
    let lockCount = 0;
    const inner = createMemoryTokenStore();
    const store: TokenStore = {
      get: () => inner.get(),
      set: (t) => inner.set(t),
      async withRefreshLock(fn) {
        expect(held).toBe(false);
        held = true;
        lockCount += 1;
        // While this process waited for the lock, another one minted and stored a token.
        await inner.set({ accessToken: 'from-other-process', expiresAt: new Date(time.now() + 3600_000), apiDomain: null, refreshedAt: new Date(time.now()) });
        try {
          return await fn();
        } finally {
          held = false;
        }
      },
    };
    server.use(tokens.handler);
    const client = makeClient({ clock: time.clock, tokenStore: store });
    expect(await client.auth.getAccessToken()).toBe('from-other-process');
    expect(tokens.calls).toHaveLength(0);
    expect(lockCount).toBe(1);

    await client.auth.refresh(); // forced: mints even though the stored token is fresh
    expect(tokens.calls).toHaveLength(1);
    expect((await inner.get())?.accessToken).toBe('tok-1');
  });

  it('uses a fresh token already in the store without minting', async () => {
    const time = virtualClock();
    const tokens = tokenEndpoint();
    const stored: StoredToken = { accessToken: 'stored', expiresAt: new Date(time.now() + 30 * 60_000), apiDomain: null, refreshedAt: new Date(time.now()) };
    server.use(tokens.handler);
    const client = makeClient({ clock: time.clock, tokenStore: createMemoryTokenStore(stored) });
    expect(await client.auth.getAccessToken()).toBe('stored');
    expect(tokens.calls).toHaveLength(0);
  });
});

describe('token endpoint errors (Zoho answers many with HTTP 200)', () => {
  for (const reason of ['invalid_code', 'invalid_client']) {
    it(`${reason} → non-retryable ZohoAuthError telling the user to re-authorize, asked once`, async () => {
      let calls = 0;
      const recorded: string[] = [];
      server.use(
        http.post(TOKEN_URL, () => {
          calls += 1;
          return HttpResponse.json({ error: reason }, { status: 200 });
        }),
      );
      const store: TokenStore = { ...createMemoryTokenStore(), recordError: (m) => void recorded.push(m) };
      const client = makeClient({ tokenStore: store });
      const error = await caught(client.books.items.list());
      expect(error).toBeInstanceOf(ZohoAuthError);
      const auth = error as ZohoAuthError;
      expect(auth.reason).toBe(reason);
      expect(auth.retryable).toBe(false);
      expect(auth.message).toMatch(/re-authorize/i);
      expect(auth.message).toMatch(/new refresh token/i);
      expect(auth.message).not.toContain(REFRESH_TOKEN);
      expect(auth.message).not.toContain(CLIENT_SECRET);
      expect(calls).toBe(1);
      expect(client.auth.status().lastError).toBe(auth.message);
      expect(recorded).toEqual([auth.message]);
      // Later calls fail fast instead of asking Zoho again with a refresh token that cannot work.
      expect(await caught(client.books.items.list())).toBe(error);
      expect(calls).toBe(1);
      // An explicit refresh (e.g. after fixing the credentials elsewhere) does ask again.
      expect(await caught(client.auth.refresh())).toBeInstanceOf(ZohoAuthError);
      expect(calls).toBe(2);
    });
  }

  it('Access Denied throttle: waits out the 10-minute window instead of hammering, then succeeds', async () => {
    const time = virtualClock();
    const callTimes: number[] = [];
    server.use(
      http.post(TOKEN_URL, () => {
        callTimes.push(time.now());
        if (callTimes.length === 1) {
          return HttpResponse.json({
            error_description: 'You have made too many requests continuously. Please try again after some time.',
            error: 'Access Denied',
            status: 'failure',
          });
        }
        return HttpResponse.json({ access_token: 'tok-after-wait', expires_in: 3600, api_domain: 'https://www.zohoapis.com' });
      }),
      http.get(`${BOOKS}/items`, () => itemsOk()),
    );
    const waits: Array<{ reason: string; waitMs: number }> = [];
    const client = makeClient({ clock: time.clock, hooks: { onRateLimitWait: (e) => void waits.push(e) } });
    await Promise.all([client.books.items.list(), client.books.items.list(), client.auth.getAccessToken()]);
    expect(callTimes).toHaveLength(2);
    expect(callTimes[1]! - callTimes[0]!).toBeGreaterThanOrEqual(10 * 60_000);
    expect(waits).toEqual([{ reason: 'token-throttle', waitMs: 10 * 60_000 }]);
  });

  it('Access Denied with a configured short window: keeps waiting, never more than one attempt per window', async () => {
    const time = virtualClock();
    const callTimes: number[] = [];
    server.use(
      http.post(TOKEN_URL, () => {
        callTimes.push(time.now());
        return HttpResponse.json({ error: 'Access Denied', error_description: 'too many requests continuously', status: 'failure' });
      }),
    );
    const client = makeClient({ clock: time.clock, accessDeniedWaitMs: 1000, maxRetries: 0 });
    const error = await caught(client.auth.getAccessToken());
    expect(error).toBeInstanceOf(ZohoAuthError);
    expect((error as ZohoAuthError).reason).toBe('access_denied');
    expect(callTimes.length).toBe(4); // the first try and one after each of 3 waited windows
    for (let i = 1; i < callTimes.length; i += 1) expect(callTimes[i]! - callTimes[i - 1]!).toBeGreaterThanOrEqual(1000);
    // The next caller also waits for the window instead of asking at once.
    const before = time.now();
    await caught(client.auth.getAccessToken());
    expect(callTimes[4]! - before).toBeGreaterThanOrEqual(1000 - 1);
  });

  it('a 200 without access_token or a non-JSON token answer is a retryable auth error', async () => {
    let calls = 0;
    server.use(
      http.post(TOKEN_URL, () => {
        calls += 1;
        if (calls === 1) return HttpResponse.json({ token_type: 'Bearer' });
        if (calls === 2) return new HttpResponse('<html>502 Bad Gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } });
        return HttpResponse.json({ access_token: 'tok-ok', expires_in: 3600 });
      }),
      http.get(`${BOOKS}/items`, () => itemsOk()),
    );
    const client = makeClient();
    await client.books.items.list();
    expect(calls).toBe(3);
    expect(client.stats().retries).toBe(2);
  });
});

describe('401 handling', () => {
  it('a 401 triggers exactly one forced refresh and one retry', async () => {
    const tokens = tokenEndpoint();
    const used: Array<string | null> = [];
    server.use(
      tokens.handler,
      http.get(`${BOOKS}/items`, ({ request }) => {
        const auth = request.headers.get('authorization');
        used.push(auth);
        if (auth === 'Zoho-oauthtoken tok-1') return HttpResponse.json({ code: 57, message: 'You are not authorized to perform this operation' }, { status: 401 });
        return itemsOk();
      }),
    );
    const client = makeClient();
    await client.books.items.list();
    expect(used).toEqual(['Zoho-oauthtoken tok-1', 'Zoho-oauthtoken tok-2']);
    expect(tokens.calls).toHaveLength(2);
  });

  it('a second 401 is a scope/organization problem: non-retryable, no further refresh', async () => {
    const tokens = tokenEndpoint();
    let apiCalls = 0;
    server.use(
      tokens.handler,
      http.get(`${BOOKS}/invoices`, () => {
        apiCalls += 1;
        return HttpResponse.json({ code: 57, message: 'You are not authorized to perform this operation' }, { status: 401 });
      }),
    );
    const error = await caught(makeClient().books.invoices.list());
    expect(error).toBeInstanceOf(ZohoApiError);
    const api = error as ZohoApiError;
    expect(api).toMatchObject({ status: 401, code: 57, retryable: false, endpoint: '/books/v3/invoices' });
    expect(api.message).toMatch(/scope/);
    expect(api.message).toMatch(/organization/);
    expect(apiCalls).toBe(2);
    expect(tokens.calls).toHaveLength(2);
  });

  it('concurrent 401s on the same stale token share one refresh', async () => {
    const tokens = tokenEndpoint();
    server.use(
      tokens.handler,
      http.get(`${BOOKS}/items`, ({ request }) =>
        request.headers.get('authorization') === 'Zoho-oauthtoken tok-1'
          ? HttpResponse.json({ code: 57, message: 'not authorized' }, { status: 401 })
          : itemsOk(),
      ),
    );
    const client = makeClient();
    await client.auth.getAccessToken();
    await Promise.all(Array.from({ length: 20 }, () => client.books.items.list()));
    expect(tokens.calls).toHaveLength(2);
  });
});
