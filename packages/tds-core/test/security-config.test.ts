import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZohoApiError } from '@tsh/zoho-client';
import { ConfigError, loadConfig } from '../src';
import { zohoFromConfig } from '../src/core/zoho-from-config';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// The settings of docs/security.md: HOST, the admin token's length, the webhook mode's
// credential, TDS_ADMIN_MAX_FAILURES and ZOHO_TIMEOUT_MS.

const ZOHO = { ZOHO_CLIENT_ID: '1000.ID', ZOHO_CLIENT_SECRET: 'cs-value-123', ZOHO_REFRESH_TOKEN: 'rt-value-456', ZOHO_ORGANIZATION_ID: '80012345' };
const LONG_ADMIN = 'a'.repeat(32);

function problemsOf(env: Record<string, string>, needs: Parameters<typeof loadConfig>[1]) {
  try {
    loadConfig(env, needs);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}

describe('serve settings', () => {
  it('listens on 127.0.0.1 unless HOST says otherwise', () => {
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
  });

  it('requires an admin token of at least 32 characters where one is needed, naming the variable and never the value', () => {
    const short = 'x'.repeat(31);
    const problems = problemsOf({ ...ZOHO, ZOHO_WEBHOOK_SECRET: 'whsecret', TDS_ADMIN_TOKEN: short }, { adminToken: true, webhookSecret: true });
    expect(problems).toEqual([{ variable: 'TDS_ADMIN_TOKEN', message: expect.stringMatching(/at least 32 characters/) }]);
    expect(JSON.stringify(problems)).not.toContain(short);
    expect(problemsOf({ ...ZOHO, ZOHO_WEBHOOK_SECRET: 'whsecret', TDS_ADMIN_TOKEN: LONG_ADMIN }, { adminToken: true, webhookSecret: true })).toEqual([]);
    // Commands that need no admin token do not care.
    expect(problemsOf({ TDS_ADMIN_TOKEN: short }, {})).toEqual([]);
  });

  it('asks for the credential of the webhook mode chosen', () => {
    const base = { ...ZOHO, TDS_ADMIN_TOKEN: LONG_ADMIN };
    expect(problemsOf(base, { webhookSecret: true }).map((p) => p.variable)).toEqual(['ZOHO_WEBHOOK_SECRET']);
    expect(problemsOf({ ...base, TDS_WEBHOOK_AUTH: 'token' }, { webhookSecret: true }).map((p) => p.variable)).toEqual(['TDS_WEBHOOK_TOKEN']);
    expect(problemsOf({ ...base, TDS_WEBHOOK_AUTH: 'token', TDS_WEBHOOK_TOKEN: 'short' }, { webhookSecret: true }).map((p) => p.variable)).toEqual(['TDS_WEBHOOK_TOKEN']);
    expect(problemsOf({ ...base, TDS_WEBHOOK_AUTH: 'token', TDS_WEBHOOK_TOKEN: 'b'.repeat(40) }, { webhookSecret: true })).toEqual([]);
    expect(problemsOf({ ...base, TDS_WEBHOOK_AUTH: 'signature' }, {}).map((p) => p.variable)).toEqual(['TDS_WEBHOOK_AUTH']);
    expect(loadConfig({}).TDS_WEBHOOK_AUTH).toBe('hmac');
  });

  it('TDS_ADMIN_MAX_FAILURES defaults to 5 and takes a whole number', () => {
    expect(loadConfig({}).TDS_ADMIN_MAX_FAILURES).toBe(5);
    expect(loadConfig({ TDS_ADMIN_MAX_FAILURES: '50' }).TDS_ADMIN_MAX_FAILURES).toBe(50);
    expect(problemsOf({ TDS_ADMIN_MAX_FAILURES: '0' }, {}).map((p) => p.variable)).toEqual(['TDS_ADMIN_MAX_FAILURES']);
  });
});

describe('ZOHO_TIMEOUT_MS', () => {
  let t: TestDatabase;
  let silent: Server;
  let url: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    // Accepts connections and never answers: a Zoho that hangs.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
    await t.close();
  });

  it('defaults to 30 s and is refused below 100 ms', () => {
    expect(loadConfig({}).ZOHO_TIMEOUT_MS).toBe(30_000);
    expect(problemsOf({ ZOHO_TIMEOUT_MS: '5' }, {}).map((p) => p.variable)).toEqual(['ZOHO_TIMEOUT_MS']);
  });

  it('ends an attempt Zoho never answers with a retryable timeout error instead of waiting for ever', async () => {
    const config = loadConfig({ ...ZOHO, ZOHO_ACCOUNTS_URL: url, ZOHO_API_URL: url, ZOHO_TIMEOUT_MS: '300' });
    const logger = { debug() {}, info() {}, warn() {}, error() {} };
    const zoho = zohoFromConfig(config, { db: t.db, pool: t.pool, logger, overrides: { maxRetries: 0 } });
    const error = await zoho.auth.getAccessToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ZohoAuthError', reason: 'network', retryable: true });
    expect((error as Error).message).toMatch(/no response within 300 ms/);
    expect(error).not.toBeInstanceOf(ZohoApiError);
  }, 10_000);
});
