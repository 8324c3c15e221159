import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ZohoWriteBlockedError } from '../src';
import { BOOKS, caught, makeClient, ok, server, tokenEndpoint, useMsw } from './helpers';

useMsw();

describe('read-only guard', () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'patch']) {
    it(`${method} is refused before anything is sent`, async () => {
      const tokens = tokenEndpoint();
      let sent = 0;
      server.use(tokens.handler, http.all(`${BOOKS}/*`, () => ((sent += 1), ok({}))));
      const error = await caught(makeClient().request(method, 'books', '/items/1', { body: { rate: 1 } }));
      expect(error).toBeInstanceOf(ZohoWriteBlockedError);
      expect((error as Error).message).toContain('allowWrites');
      expect(sent).toBe(0);
      expect(tokens.calls).toHaveLength(0);
    });
  }

  it('writes go through when the client was created with allowWrites: true', async () => {
    let body: unknown;
    server.use(
      tokenEndpoint().handler,
      http.put(`${BOOKS}/items/1`, async ({ request }) => {
        body = await request.json();
        return ok({ item: { item_id: '1', name: 'x' } });
      }),
    );
    const result = await makeClient({ allowWrites: true }).request('PUT', 'books', '/items/1', { body: { rate: 1 } });
    expect(result.item).toEqual({ item_id: '1', name: 'x' });
    expect(body).toEqual({ rate: 1 });
  });

  it('the low-level request() sends organization_id and extra query params on GET', async () => {
    let query: URLSearchParams | undefined;
    server.use(
      tokenEndpoint().handler,
      http.get(`${BOOKS}/settings/preferences`, ({ request }) => {
        query = new URL(request.url).searchParams;
        return ok({ preferences: {} });
      }),
    );
    await makeClient().request('GET', 'books', '/settings/preferences', { query: { a: 1, b: undefined } });
    expect(Object.fromEntries(query!)).toEqual({ a: '1', organization_id: '60000000001' });
  });
});
