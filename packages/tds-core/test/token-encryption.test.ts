import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createZohoClient, type ZohoClient } from '@tsh/zoho-client';
import { ConfigError, loadConfig } from '../src';
import { buildHealthReport, createPostgresTokenStore, createTokenCipher, readTokenStatus, renderStatusReport } from '../src/internal';
import { startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// Access tokens sealed at rest with TDS_ENCRYPTION_KEY, and the key rotation (docs/security.md).

let testDb: TestDatabase;
let sandbox: ZohoSandbox;
const pools: pg.Pool[] = [];
const warnings: Array<{ fields: object; message?: string }> = [];

const hexKey = () => randomBytes(32).toString('hex');
const base64Key = () => randomBytes(32).toString('base64');

function clientWith(keys: { current?: string; previous?: string }): ZohoClient {
  const pool = new pg.Pool({ connectionString: testDb.url, max: 4 });
  pool.on('error', () => undefined);
  pools.push(pool);
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  const logger = { debug() {}, info() {}, error() {}, warn: (fields: object, message?: string) => warnings.push({ fields, message }) };
  return createZohoClient({
    organizationId: sandbox.organizationId,
    credentials: sandbox.credentials,
    accountsUrl: sandbox.accountsUrl,
    apiUrl: sandbox.apiUrl,
    tokenStore: createPostgresTokenStore({ db, pool, organizationId: sandbox.organizationId, cipher: createTokenCipher(keys.current, keys.previous), logger }),
    requestsPerMinute: 1_000,
  });
}

async function storedRow() {
  const { rows } = await sql<{ access_token: string; access_token_key_id: string | null }>`
    SELECT access_token, access_token_key_id FROM zoho_oauth_tokens WHERE organization_id = ${sandbox.organizationId}`.execute(testDb.db);
  return rows[0]!;
}

async function forgetToken() {
  await sql`DELETE FROM zoho_oauth_tokens WHERE organization_id = ${sandbox.organizationId}`.execute(testDb.db);
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  sandbox = await startZohoSandbox({ port: 0, seed: 13, items: 3, customers: 1, vendors: 1, invoices: 1, bills: 1 });
});

afterAll(async () => {
  await sandbox?.close();
  for (const pool of pools) await pool.end();
  await testDb.close();
});

describe('access tokens at rest', () => {
  it('with a key, the row holds only ciphertext and the key id; another process with the same key uses the token without minting', async () => {
    await forgetToken();
    const key = hexKey();
    const writer = clientWith({ current: key });
    const token = await writer.auth.getAccessToken();
    const row = await storedRow();
    expect(row.access_token).not.toContain(token);
    expect(row.access_token_key_id).toBe(createTokenCipher(key)!.keyId);
    // Nothing of the token in any form a reader of the table could use.
    expect(row.access_token).not.toContain(Buffer.from(token).toString('base64'));
    expect((await readTokenStatus(testDb.db, sandbox.organizationId)).storedKeyId).toBe(createTokenCipher(key)!.keyId);

    const mintedBefore = sandbox.stats().tokensMinted;
    const reader = clientWith({ current: key });
    expect(await reader.auth.getAccessToken()).toBe(token);
    await reader.books.items.list({ perPage: 1 });
    expect(sandbox.stats().tokensMinted).toBe(mintedBefore);
  });

  it('after rotation (new key, old key as previous) rows sealed with the old key are read, and the next refresh seals with the new one', async () => {
    await forgetToken();
    const oldKey = base64Key();
    const newKey = hexKey();
    const token = await clientWith({ current: oldKey }).auth.getAccessToken();
    expect((await storedRow()).access_token_key_id).toBe(createTokenCipher(oldKey)!.keyId);

    const mintedBefore = sandbox.stats().tokensMinted;
    const rotated = clientWith({ current: newKey, previous: `${hexKey()}, ${oldKey}` });
    expect(await rotated.auth.getAccessToken()).toBe(token);
    expect(sandbox.stats().tokensMinted).toBe(mintedBefore);

    await rotated.auth.refresh();
    const row = await storedRow();
    expect(row.access_token_key_id).toBe(createTokenCipher(newKey)!.keyId);
    expect(await clientWith({ current: newKey }).auth.getAccessToken()).toBe(await rotated.auth.getAccessToken());
  });

  it('a wrong key is a clear warning (key ids, never a key) and a new token, not a failure on every call', async () => {
    await forgetToken();
    const rightKey = hexKey();
    const wrongKey = hexKey();
    await clientWith({ current: rightKey }).auth.getAccessToken();
    warnings.length = 0;

    const mintedBefore = sandbox.stats().tokensMinted;
    const wrong = clientWith({ current: wrongKey });
    const page = await wrong.books.items.list({ perPage: 1 });
    expect(page.records.length).toBeGreaterThan(0);
    expect(sandbox.stats().tokensMinted).toBe(mintedBefore + 1);
    expect((await storedRow()).access_token_key_id).toBe(createTokenCipher(wrongKey)!.keyId);

    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/sealed with a key that is not configured.*TDS_ENCRYPTION_KEY_PREVIOUS/);
    expect(warnings[0]!.fields).toEqual({ storedKeyId: createTokenCipher(rightKey)!.keyId, configuredKeyIds: [createTokenCipher(wrongKey)!.keyId] });
    const logged = JSON.stringify(warnings);
    for (const key of [rightKey, wrongKey]) expect(logged).not.toContain(key);
  });

  it('without a key, tokens stay in plain text (today\'s behaviour) and status says no key sealed them', async () => {
    await forgetToken();
    const token = await clientWith({}).auth.getAccessToken();
    const row = await storedRow();
    expect(row).toEqual({ access_token: token, access_token_key_id: null });
    expect((await readTokenStatus(testDb.db, sandbox.organizationId)).storedKeyId).toBeNull();

    // A plain row left from before a key was configured is still used, and sealed at the next refresh.
    const key = hexKey();
    const keyed = clientWith({ current: key });
    expect(await keyed.auth.getAccessToken()).toBe(token);
    await keyed.auth.refresh();
    expect((await storedRow()).access_token_key_id).toBe(createTokenCipher(key)!.keyId);
  });
});

describe('health says how tokens are kept', () => {
  it('encrypted with the key id (never the key), or plain', async () => {
    await forgetToken();
    const key = hexKey();
    const { keyId } = createTokenCipher(key)!;
    await clientWith({ current: key }).auth.getAccessToken();
    const sealed = await buildHealthReport({ db: testDb.db, organizationId: sandbox.organizationId, security: { encryptionKeyId: keyId, webhookAuth: 'hmac' } });
    expect(sealed.health.zoho_api).toMatchObject({ tokens_at_rest: 'encrypted', tokens_at_rest_key_id: keyId, stored_token_key_id: keyId });
    const text = renderStatusReport(sealed);
    expect(text).toContain(`Tokens at rest: encrypted (key id ${keyId})`);
    expect(text).not.toContain(key);

    const plain = await buildHealthReport({ db: testDb.db, organizationId: sandbox.organizationId });
    expect(renderStatusReport(plain)).toContain(`Tokens at rest: plain, but the stored token is encrypted (key id ${keyId}): set TDS_ENCRYPTION_KEY`);
    await forgetToken();
    await clientWith({}).auth.getAccessToken();
    expect(renderStatusReport(await buildHealthReport({ db: testDb.db, organizationId: sandbox.organizationId }))).toContain('Tokens at rest: plain (set TDS_ENCRYPTION_KEY to encrypt them)');
  });
});

describe('encryption key settings', () => {
  it('accepts 64 hex characters or base64 of 32 bytes, as the key and in a comma list of previous keys', () => {
    const config = loadConfig({ TDS_ENCRYPTION_KEY: hexKey(), TDS_ENCRYPTION_KEY_PREVIOUS: `${base64Key()},${hexKey()}` });
    expect(createTokenCipher(config.TDS_ENCRYPTION_KEY, config.TDS_ENCRYPTION_KEY_PREVIOUS)!.keyIds).toHaveLength(3);
  });

  it.each([
    ['too short', { TDS_ENCRYPTION_KEY: 'abc123' }, 'TDS_ENCRYPTION_KEY'],
    ['31 bytes of base64', { TDS_ENCRYPTION_KEY: randomBytes(31).toString('base64') }, 'TDS_ENCRYPTION_KEY'],
    ['a passphrase', { TDS_ENCRYPTION_KEY: 'correct horse battery staple correct horse battery staple!!' }, 'TDS_ENCRYPTION_KEY'],
    ['a bad previous key', { TDS_ENCRYPTION_KEY: hexKey(), TDS_ENCRYPTION_KEY_PREVIOUS: `${hexKey()},not-a-key` }, 'TDS_ENCRYPTION_KEY_PREVIOUS'],
    ['a previous key alone', { TDS_ENCRYPTION_KEY_PREVIOUS: hexKey() }, 'TDS_ENCRYPTION_KEY_PREVIOUS'],
  ])('refuses %s at start with one message naming the variable, never the value', (_name, env, variable) => {
    let caught: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.problems.map((p) => p.variable)).toEqual([variable]);
    expect(error.message).toMatch(/32 (random )?bytes|without TDS_ENCRYPTION_KEY/);
    for (const value of Object.values(env)) expect(error.message).not.toContain(value);
  });
});
