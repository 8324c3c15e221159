import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createZohoClient } from '@tsh/zoho-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresTokenStore } from '../src/internal';
import { startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// Two processes sharing the PostgreSQL token store against a Zoho sandbox that, like Zoho, keeps
// at most 10 live access tokens per refresh token (docs/zoho-client-robustness.md, "A second 401").

let testDb: TestDatabase;
let sandbox: ZohoSandbox;
const pools: Array<Kysely<any>> = [];

function openProcess() {
  const pool = new pg.Pool({ connectionString: testDb.url, max: 4 });
  pool.on('error', () => undefined);
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  pools.push(db);
  const client = createZohoClient({
    organizationId: sandbox.organizationId,
    credentials: sandbox.credentials,
    accountsUrl: sandbox.accountsUrl,
    apiUrl: sandbox.apiUrl,
    tokenStore: createPostgresTokenStore({ db, pool, organizationId: sandbox.organizationId }),
    requestsPerMinute: 10_000,
  });
  return client;
}

/** Another tool using the same refresh token without the shared store. */
async function mintElsewhere(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const body = new URLSearchParams({ grant_type: 'refresh_token', client_id: sandbox.credentials.clientId, client_secret: sandbox.credentials.clientSecret, refresh_token: sandbox.credentials.refreshToken });
    const response = await fetch(`${sandbox.accountsUrl}/oauth/v2/token`, { method: 'POST', body });
    expect(((await response.json()) as { access_token?: string }).access_token).toBeTruthy();
  }
}

beforeAll(async () => {
  [testDb, sandbox] = await Promise.all([
    createTestDatabase(),
    // Mints are not what this test is about: the per-window mint limit is lifted.
    startZohoSandbox({ seed: 'token-eviction', items: 5, customers: 1, vendors: 0, invoices: 0, bills: 0, pricebooks: 0, tokenMintLimit: 1_000, maxLiveTokens: 10 }),
  ]);
});
afterAll(async () => {
  for (const db of pools) await db.destroy();
  await Promise.all([testDb?.close(), sandbox?.close()]);
});

describe('PostgreSQL token store: a token killed by the 11th-token rule', () => {
  it('a process whose token and the stored replacement were both evicted refreshes again instead of reporting a scope error', async () => {
    const a = openProcess();
    const b = openProcess();
    await a.inventory.items.list({ perPage: 5 }); // A holds the first token, also stored
    await b.auth.refresh(); // B replaces the stored token
    await mintElsewhere(10); // eleven newer tokens than A's, ten newer than B's: both are dead
    // A's call: 401 on its token, adopts B's from the store, 401 again, mints one for itself.
    const page = await a.inventory.items.list({ perPage: 5 });
    expect(page.records.length).toBeGreaterThan(0);
    expect(a.stats().token.refreshCount).toBe(2);
    // B's next call finds A's new token in the store instead of minting.
    await b.inventory.items.list({ perPage: 5 });
    expect(b.stats().token.refreshCount).toBe(1);
  });
});
