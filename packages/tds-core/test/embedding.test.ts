import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signZohoWebhook } from '@tsh/zoho-client';
import { createDatabase, createTdsCore, DatabaseRequiredError, loadConfig, migrate, SyncInputError, type TdsCore } from '../src';
import { sandboxEnvironment, startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { waitFor } from './helpers/wait-for';

// TDS inside a host application's database (docs/embedding.md): its own schema, nothing of the
// host's touched, the embedded PostgreSQL only when asked for, failures as rejections.

let sandbox: ZohoSandbox;
const databases: TestDatabase[] = [];

beforeAll(async () => {
  sandbox = await startZohoSandbox({ port: 0, seed: 17, items: 60, customers: 5, vendors: 2, invoices: 4, bills: 2, requestsPerMinute: 10_000 });
});

afterAll(async () => {
  for (const database of databases) await database.close();
  await sandbox?.close();
});

async function scratchDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase({ migrate: false, maxConnections: 4 });
  databases.push(database);
  return database;
}

const configFor = (url: string | undefined) =>
  loadConfig({ ...sandboxEnvironment(sandbox), ...(url ? { DATABASE_URL: url } : {}), TDS_ADMIN_TOKEN: 'embedding-admin-token-0123456789abcdef', TDS_LOG_LEVEL: 'silent' });

async function tablesIn(host: TestDatabase, schema: string): Promise<string[]> {
  const { rows } = await host.pool.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
    [schema],
  );
  return rows.map((r) => r.name);
}

async function signedProductWebhook(core: TdsCore, itemId: string, name: string) {
  const detail = (await core.zoho.request('GET', 'inventory', `/items/${itemId}`)) as { item: Record<string, unknown> };
  const record = { ...detail.item, name, last_modified_time: '2031-01-01T00:00:00+0300' };
  const rawBody = Buffer.from(JSON.stringify({ item: record }));
  const signature = signZohoWebhook({ secret: sandbox.webhookSecret, query: {}, rawBody, contentType: 'application/json' });
  return { entity: 'products', method: 'POST', query: {}, rawBody, contentType: 'application/json', signature };
}

describe('the schema option', () => {
  it('migrates, syncs and applies webhooks in schema tds and leaves the host public.products untouched', async () => {
    const host = await scratchDatabase();
    await host.pool.query(`CREATE TABLE public.products (sku text PRIMARY KEY, title text NOT NULL, price numeric(12,3))`);
    await host.pool.query(`INSERT INTO public.products VALUES ('H-1', 'host product', 12.500), ('H-2', 'another', NULL)`);
    const hostBefore = (await host.pool.query('SELECT * FROM public.products ORDER BY sku')).rows;

    const core = await createTdsCore({ config: configFor(host.url), schema: 'tds', workers: { pollIntervalMs: 50 } });
    try {
      const results = await core.sync.run(['products'], { mode: 'full' });
      expect(results.map((r) => [r.entity, r.status])).toEqual([
        ['pricelists', 'succeeded'],
        ['products', 'succeeded'],
      ]);
      const synced = await host.pool.query<{ n: string }>('SELECT count(*) AS n FROM tds.products');
      expect(Number(synced.rows[0]!.n)).toBe(sandbox.store.count('item'));

      const [itemId] = sandbox.store.idsOf('item');
      expect((await core.webhooks.ingest(await signedProductWebhook(core, itemId!, 'Renamed in schema tds'))).status).toBe('accepted');
      await core.start({ workers: true, healer: false });
      await waitFor(
        async () => (await host.pool.query(`SELECT 1 FROM tds.products WHERE zoho_item_id = $1 AND name = 'Renamed in schema tds'`, [itemId])).rowCount,
        { label: 'the webhook applied in tds.products' },
      );
    } finally {
      await core.close();
    }

    expect((await host.pool.query('SELECT * FROM public.products ORDER BY sku')).rows).toEqual(hostBefore);
    expect(await tablesIn(host, 'public')).toEqual(['products']);
    const ours = await tablesIn(host, 'tds');
    expect(ours).toEqual(expect.arrayContaining(['products', 'price_lists', 'tds_sync_queue', 'tds_kysely_migration', 'tds_kysely_migration_lock']));
  });

  it('migrates a schema of its own when another TDS already has its tables in public', async () => {
    const host = await scratchDatabase();
    await migrate(host.db); // a TDS in public: its migration bookkeeping must not be mistaken for ours
    const inPublic = await tablesIn(host, 'public');

    const second = await createDatabase({ url: host.url, schema: 'tds_second', maxConnections: 2 });
    try {
      const result = await migrate(second.db);
      expect(result.applied.length).toBeGreaterThan(0);
      expect(await tablesIn(host, 'tds_second')).toEqual(inPublic);
      expect((await migrate(second.db)).applied).toEqual([]);
    } finally {
      await second.close();
    }
    expect(await tablesIn(host, 'public')).toEqual(inPublic);
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(createDatabase({ url: 'postgres://127.0.0.1/x', schema: 'tds; DROP TABLE products' })).rejects.toThrow(/schema must be/);
  });
});

describe('the database a library call gets', () => {
  it('rejects without DATABASE_URL unless the embedded database is asked for', async () => {
    await expect(createTdsCore({ config: configFor(undefined) })).rejects.toBeInstanceOf(DatabaseRequiredError);
    await expect(createTdsCore({ config: configFor(undefined) })).rejects.toThrow(/database: \{ embedded: true \}/);
  });
});

describe('sync.run from a library', () => {
  it('rejects a misspelt entity instead of throwing synchronously', async () => {
    const host = await scratchDatabase();
    const core = await createTdsCore({ config: configFor(host.url) });
    try {
      let pending: Promise<unknown> | undefined;
      expect(() => {
        pending = core.sync.run(['product'] as never);
      }).not.toThrow();
      await expect(pending).rejects.toBeInstanceOf(SyncInputError);
      await expect(core.sync.estimateFull(['product'] as never)).rejects.toBeInstanceOf(SyncInputError);
    } finally {
      await core.close();
    }
  });

  it('fetches the price lists first when products sync finds none stored, so prices are filled', async () => {
    const host = await scratchDatabase();
    const core = await createTdsCore({ config: configFor(host.url) });
    try {
      const first = await core.sync.run(['products'], { mode: 'full' });
      expect(first.map((r) => r.entity)).toEqual(['pricelists', 'products']);
      const priced = await core.db
        .selectFrom('products')
        .select((eb) => eb.fn.count<string>('consumer_price').as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(priced.n)).toBeGreaterThan(0);
      // Once price lists are stored, a products sync is a products sync.
      expect((await core.sync.run(['products'])).map((r) => r.entity)).toEqual(['products']);
    } finally {
      await core.close();
    }
  });
});
