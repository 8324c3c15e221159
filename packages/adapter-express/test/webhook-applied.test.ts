import { createApplyContext, createWorkerPool, entityAppliers, parseWebhookRecord, type BatchHandler, type WorkerPool } from '@tsh/tds-core/internal';
import { signZohoWebhook } from '@tsh/zoho-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serveTds, type TdsServer } from '../src';
import { createFakeCore } from './helpers/fake-core';
import { httpSend } from './helpers/http';
import { capturingLogger } from './helpers/log-capture';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { waitFor } from '@tsh/test-utils';

const SECRET = 'zohoWebhookSecret42';

let t: TestDatabase;
let server: TdsServer;
let workers: WorkerPool;

beforeAll(async () => {
  t = await createTestDatabase();
  const { core } = createFakeCore(t.db, capturingLogger().logger, SECRET);
  server = await serveTds(core, { webhookSecret: SECRET, adminToken: 'admin-token-0123456789', port: 0 });
  // The products handler as the core's workers run it: parse the webhook record, apply it.
  const ctx = createApplyContext();
  const products: BatchHandler = async (items) => {
    const outcomes = [];
    for (const item of items) {
      if (item.operation === 'delete') await entityAppliers.products.remove(t.db, item.zoho_id, ctx);
      else await entityAppliers.products.apply(t.db, parseWebhookRecord('item', item.payload), ctx);
      outcomes.push({ id: item.id, status: 'completed' as const });
    }
    return outcomes;
  };
  workers = createWorkerPool({ db: t.db, pool: t.pool, handlers: { products }, concurrency: 1, pollIntervalMs: 100 });
  await workers.start();
});
afterAll(async () => {
  await workers?.stop({ graceMs: 1000 });
  await server?.close({ closeCore: false });
  await t?.close();
});

async function deliver(method: string, record: Record<string, unknown>): Promise<number> {
  const body = JSON.stringify({ item: record });
  const signature = signZohoWebhook({ secret: SECRET, rawBody: Buffer.from(body), contentType: 'application/json' });
  const res = await httpSend(`${server.url}/api/zoho/webhooks/products`, {
    method,
    headers: { 'content-type': 'application/json', 'x-zoho-webhook-signature': signature },
    body,
  });
  return res.status;
}

it('a signed webhook is stored, then applied by the running workers; a DELETE soft-deletes the product', async () => {
  const item = {
    item_id: '90001',
    name: 'Router AX3000',
    sku: 'RT-AX3000',
    rate: '1250000000.25',
    status: 'active',
    stock_on_hand: '12.5',
    last_modified_time: '2025-06-03T14:22:47+0300',
  };
  expect(await deliver('POST', item)).toBe(202);
  const product = await waitFor(() => t.db.selectFrom('products').selectAll().where('zoho_item_id', '=', '90001').executeTakeFirst(), { label: 'product applied' });
  expect(product).toMatchObject({ name: 'Router AX3000', sku: 'RT-AX3000', unit_price: '1250000000.25', is_active: true, deleted_at: null });

  expect(await deliver('DELETE', { ...item, last_modified_time: '2025-06-03T15:00:00+0300' })).toBe(202);
  const deleted = await waitFor(
    () => t.db.selectFrom('products').selectAll().where('zoho_item_id', '=', '90001').where('deleted_at', 'is not', null).executeTakeFirst(),
    { label: 'product soft-deleted' },
  );
  expect(deleted.is_active).toBe(false);
  // A worker records completion with its next claim, so the row may lag the applied product a little.
  const rows = await waitFor(async () => {
    const { rows: byStatus } = await t.pool.query(`SELECT status, count(*)::int AS n FROM tds_sync_queue GROUP BY status`);
    return byStatus.length === 1 && byStatus[0].status === 'completed' ? byStatus : undefined;
  }, { label: 'queue items completed' });
  expect(rows).toEqual([{ status: 'completed', n: 2 }]);
});
