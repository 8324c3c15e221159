import { afterEach, describe, expect, it } from 'vitest';
import { sandboxEnvironment, startZohoSandbox, type ZohoSandbox } from '../src';
import { apiGet, manualClock, postToken, refreshParams, SMALL_CATALOGUE } from './sandbox-helpers';

const TOO_MANY = {
  error: 'Access Denied',
  error_description: 'You have made too many requests continuously. Please try again after some time.',
  status: 'failure',
};

describe('sandbox OAuth (Zoho Accounts refresh-token grant)', () => {
  let sandbox: ZohoSandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  it('mints a bearer token from a form body or from the query string, with api_domain pointing at the API host', async () => {
    sandbox = await startZohoSandbox({ seed: 'oauth', ...SMALL_CATALOGUE });
    for (const where of ['form', 'query'] as const) {
      const { status, body } = await postToken(sandbox, refreshParams(sandbox), where);
      expect(status).toBe(200);
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, api_domain: sandbox.apiUrl });
      expect(typeof body.access_token).toBe('string');
      const items = await apiGet(sandbox, body.access_token as string, '/inventory/v1/items', { per_page: '1' });
      expect(items.status).toBe(200);
    }
    expect(sandbox.stats().tokensMinted).toBe(2);
  });

  it('answers failures with HTTP 200 bodies: invalid_client, invalid_code, and invalid_code after revocation', async () => {
    sandbox = await startZohoSandbox({ seed: 'oauth', ...SMALL_CATALOGUE });
    const good = refreshParams(sandbox);

    const wrongClient = await postToken(sandbox, { ...good, client_id: '1000.NOPE' });
    expect(wrongClient).toEqual({ status: 200, body: { error: 'invalid_client' } });
    const wrongSecret = await postToken(sandbox, { ...good, client_secret: 'not-the-secret' });
    expect(wrongSecret).toEqual({ status: 200, body: { error: 'invalid_client' } });
    const unknownToken = await postToken(sandbox, { ...good, refresh_token: '1000.unknown.token' });
    expect(unknownToken).toEqual({ status: 200, body: { error: 'invalid_code' } });

    const before = await postToken(sandbox, good);
    sandbox.revokeRefreshToken();
    const revoked = await postToken(sandbox, good);
    expect(revoked).toEqual({ status: 200, body: { error: 'invalid_code' } });
    // Revoking the refresh token also kills the access tokens it minted.
    const call = await apiGet(sandbox, before.body.access_token as string, '/books/v3/items');
    expect(call.status).toBe(401);

    const stats = sandbox.stats();
    expect(stats.tokensMinted).toBe(1);
    expect(stats.tokenErrors).toEqual({ invalid_client: 2, invalid_code: 2 });
  });

  it('allows 10 tokens per refresh token per 10 minutes, then refuses for the rest of the window', async () => {
    const clock = manualClock();
    sandbox = await startZohoSandbox({ seed: 'oauth', ...SMALL_CATALOGUE, clock: clock.now });
    const params = refreshParams(sandbox);
    for (let i = 0; i < 10; i++) {
      const { body } = await postToken(sandbox, params);
      expect(body.access_token).toBeTypeOf('string');
      clock.advance(30_000);
    }
    const blocked = await postToken(sandbox, params);
    expect(blocked).toEqual({ status: 200, body: TOO_MANY });
    clock.advance(290_000); // 9 min 50 s after the first mint: still inside the window
    expect((await postToken(sandbox, params)).body).toEqual(TOO_MANY);
    clock.advance(10_000); // 10 minutes after the first mint: a new window
    expect((await postToken(sandbox, params)).body.access_token).toBeTypeOf('string');
    expect(sandbox.stats().tokensMinted).toBe(11);
    expect(sandbox.stats().tokenErrors).toEqual({ access_denied: 2 });
  });

  it('keeps at most 10 live access tokens: the 11th kills the oldest', async () => {
    sandbox = await startZohoSandbox({ seed: 'oauth', ...SMALL_CATALOGUE, tokenMintLimit: 100 });
    const tokens: string[] = [];
    for (let i = 0; i < 11; i++) tokens.push((await postToken(sandbox, refreshParams(sandbox))).body.access_token as string);
    expect(sandbox.oauth.liveAccessTokens()).toBe(10);
    expect((await apiGet(sandbox, tokens[0], '/books/v3/items')).status).toBe(401);
    expect((await apiGet(sandbox, tokens[1], '/books/v3/items')).status).toBe(200);
    expect((await apiGet(sandbox, tokens[10], '/books/v3/items')).status).toBe(200);
  });

  it('expires access tokens after tokenTtlSeconds (401, code 14)', async () => {
    const clock = manualClock();
    sandbox = await startZohoSandbox({ seed: 'oauth', ...SMALL_CATALOGUE, clock: clock.now, tokenTtlSeconds: 60 });
    const { body } = await postToken(sandbox, refreshParams(sandbox));
    expect(body.expires_in).toBe(60);
    expect((await apiGet(sandbox, body.access_token as string, '/books/v3/items')).status).toBe(200);
    clock.advance(60_000);
    const expired = await apiGet(sandbox, body.access_token as string, '/books/v3/items');
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual({ code: 14, message: 'Invalid OAuth token' });
  });

  it('gives the same credentials for the same seed and different ones for another seed', async () => {
    sandbox = await startZohoSandbox({ seed: 'creds', items: 5 });
    const again = await startZohoSandbox({ seed: 'creds', items: 5 });
    const other = await startZohoSandbox({ seed: 'other', items: 5 });
    try {
      expect(again.credentials).toEqual(sandbox.credentials);
      expect(again.webhookSecret).toBe(sandbox.webhookSecret);
      expect(other.credentials.refreshToken).not.toBe(sandbox.credentials.refreshToken);
      expect(sandbox.webhookSecret).toMatch(/^[A-Za-z0-9]{12,50}$/);
      expect(sandboxEnvironment(sandbox)).toEqual({
        ZOHO_CLIENT_ID: sandbox.credentials.clientId,
        ZOHO_CLIENT_SECRET: sandbox.credentials.clientSecret,
        ZOHO_REFRESH_TOKEN: sandbox.credentials.refreshToken,
        ZOHO_ORGANIZATION_ID: sandbox.organizationId,
        ZOHO_ACCOUNTS_URL: sandbox.url,
        ZOHO_API_URL: sandbox.url,
        ZOHO_WEBHOOK_SECRET: sandbox.webhookSecret,
      });
    } finally {
      await again.close();
      await other.close();
    }
  });
});
