import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { BOOKS, CLIENT_SECRET, REFRESH_TOKEN, TOKEN_URL, caught, makeClient, server, tokenEndpoint, useMsw } from './helpers';

useMsw();

/** Everything an error exposes when logged or serialised. */
function exposed(error: unknown): string {
  const e = error as Error & Record<string, unknown>;
  return [e.message, e.stack, JSON.stringify(e), String(e.cause ?? ''), JSON.stringify(Object.entries(e))].join('\n');
}

describe('errors never contain the token or the client secret', () => {
  it('an API error whose Zoho message echoes the access token is redacted', async () => {
    server.use(
      tokenEndpoint().handler,
      http.get(`${BOOKS}/items`, ({ request }) =>
        HttpResponse.json({ code: 4, message: `Invalid header ${request.headers.get('authorization')}` }, { status: 400 }),
      ),
    );
    const logs: string[] = [];
    const logger = { warn: (m: string, f?: object) => void logs.push(m + JSON.stringify(f)), info: (m: string, f?: object) => void logs.push(m + JSON.stringify(f)) };
    const error = await caught(makeClient({ logger }).books.items.list());
    expect(exposed(error)).toContain('[REDACTED]');
    expect(exposed(error)).not.toContain('tok-1');
    expect(logs.join('\n')).not.toContain('tok-1');
  });

  it('token endpoint errors echoing the refresh token or client secret are redacted', async () => {
    server.use(
      http.post(TOKEN_URL, () =>
        HttpResponse.json({ error: 'weird_error', error_description: `bad ${REFRESH_TOKEN} / ${CLIENT_SECRET}` }, { status: 400 }),
      ),
    );
    const client = makeClient();
    const error = await caught(client.books.items.list());
    for (const text of [exposed(error), JSON.stringify(client.auth.status()), JSON.stringify(client.stats())]) {
      expect(text).not.toContain(REFRESH_TOKEN);
      expect(text).not.toContain(CLIENT_SECRET);
    }
  });

  it('retries, timeouts and second 401s report no secret', async () => {
    let calls = 0;
    server.use(
      tokenEndpoint().handler,
      http.get(`${BOOKS}/items`, () => {
        calls += 1;
        return calls < 3 ? HttpResponse.error() : HttpResponse.json({ code: 57, message: 'not authorized' }, { status: 401 });
      }),
    );
    const events: unknown[] = [];
    const client = makeClient({
      hooks: { onRetry: (e) => void events.push(e), onResponse: (e) => void events.push(e), onTokenRefresh: (e) => void events.push(e) },
    });
    const error = await caught(client.books.items.list());
    const all = [exposed(error), JSON.stringify(events), ...events.map((e) => exposed((e as { error?: unknown }).error ?? {}))].join('\n');
    for (const secret of ['tok-1', 'tok-2', REFRESH_TOKEN, CLIENT_SECRET]) expect(all).not.toContain(secret);
  });
});
