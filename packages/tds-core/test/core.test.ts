import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signZohoWebhook } from '@tsh/zoho-client';
import { ConfigError, createTdsCore, loadConfig, WebhookRejectedError, type TdsCore } from '../src';
import { sandboxEnvironment, startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

let testDb: TestDatabase;
let sandbox: ZohoSandbox;
let core: TdsCore;

beforeAll(async () => {
  testDb = await createTestDatabase();
  sandbox = await startZohoSandbox({ port: 0, seed: 11, items: 120, customers: 15, vendors: 5, invoices: 20, bills: 8, requestsPerMinute: 10_000 });
  const config = loadConfig({ ...sandboxEnvironment(sandbox), DATABASE_URL: testDb.url, TDS_ADMIN_TOKEN: 'admin-token-xyz', TDS_LOG_LEVEL: 'silent' });
  core = await createTdsCore({ config, database: testDb, workers: { pollIntervalMs: 100 } });
});

afterAll(async () => {
  await core?.close();
  await sandbox?.close();
  await testDb?.close();
});

describe('createTdsCore', () => {
  it('runs a full sync of every entity through the shared token and budget', async () => {
    const results = await core.sync.run('all', { mode: 'full' });
    expect(results.map((r) => r.entity)).toEqual(['pricelists', 'products', 'stock', 'customers', 'invoices', 'bills']);
    for (const result of results) expect(result.status).toBe('succeeded');
    const products = await core.db.selectFrom('products').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(products.n)).toBe(sandbox.store.count('item'));
    const token = await core.token.status();
    expect(token).toMatchObject({ hasToken: true, refreshCount: 1 });
    expect(sandbox.stats().tokensMinted).toBe(1);
  });

  it('stores a signed webhook, and the started workers apply it', async () => {
    const [itemId] = sandbox.store.idsOf('item');
    const detail = (await core.zoho.request('GET', 'inventory', `/items/${itemId}`)) as { item: Record<string, unknown> };
    const record = { ...detail.item, name: 'Renamed by webhook', last_modified_time: '2030-01-01T00:00:00+0300' };
    const rawBody = Buffer.from(JSON.stringify({ item: record }));
    const signature = signZohoWebhook({ secret: sandbox.webhookSecret, query: {}, rawBody, contentType: 'application/json' });
    const result = await core.webhooks.ingest({ entity: 'products', method: 'POST', query: {}, rawBody, contentType: 'application/json', signature });
    expect(result.status).toBe('accepted');

    await expect(
      core.webhooks.ingest({ entity: 'products', method: 'POST', query: {}, rawBody, contentType: 'application/json', signature: 'f'.repeat(64) }),
    ).rejects.toBeInstanceOf(WebhookRejectedError);

    await core.start({ workers: true, healer: false });
    for (let i = 0; i < 100; i++) {
      const row = await core.db.selectFrom('products').select('name').where('zoho_item_id', '=', itemId!).executeTakeFirst();
      if (row?.name === 'Renamed by webhook') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const row = await core.db.selectFrom('products').select('name').where('zoho_item_id', '=', itemId!).executeTakeFirstOrThrow();
    expect(row.name).toBe('Renamed by webhook');
  });

  it('answers queue, DLQ, health, report and metrics without secrets', async () => {
    const status = await core.queue.status();
    expect(status).toHaveProperty('pending');
    expect(await core.dlq.list()).toEqual(expect.any(Array));
    const health = await core.health.get();
    expect(['healthy', 'warning', 'critical', 'emergency']).toContain(health.status);
    const report = (await core.health.report('text')) as string;
    const metrics = await core.health.metrics();
    const everything = JSON.stringify(health) + report + metrics.body + JSON.stringify(await core.token.status());
    for (const secret of [sandbox.credentials.clientSecret, sandbox.credentials.refreshToken, sandbox.webhookSecret, 'admin-token-xyz']) {
      expect(everything).not.toContain(secret);
    }
  });

  it('starts a background sync whose progress can be polled', async () => {
    const { runId } = await core.sync.start(['customers'], { mode: 'incremental' });
    let run = await core.sync.getRun(runId);
    for (let i = 0; i < 100 && run?.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      run = await core.sync.getRun(runId);
    }
    expect(run).toMatchObject({ status: 'succeeded', entities: ['customers'] });
    await expect(core.sync.start(['widgets'] as never, {})).rejects.toThrow(/unknown entity/);
  });
});

describe('createTdsCore without Zoho credentials', () => {
  it('serves database-only commands and names the missing variables when Zoho is needed', async () => {
    const bare = await createTdsCore({ config: loadConfig({ DATABASE_URL: testDb.url, TDS_LOG_LEVEL: 'silent' }), database: testDb });
    try {
      expect(await bare.queue.status()).toHaveProperty('pending');
      let error: unknown;
      try {
        void bare.zoho.books;
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/ZOHO_CLIENT_ID.*ZOHO_CLIENT_SECRET.*ZOHO_REFRESH_TOKEN.*ZOHO_ORGANIZATION_ID/);
      await expect(bare.webhooks.ingest({ entity: 'products', method: 'POST', query: {}, rawBody: Buffer.from('{}'), contentType: 'application/json', signature: undefined })).rejects.toMatchObject({ status: 401 });
    } finally {
      await bare.close();
    }
  });
});
