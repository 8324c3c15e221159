import { signZohoWebhook } from '@tsh/zoho-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serveTds, type TdsServer } from '../src';
import { createFakeCore, type FakeCoreControls } from './helpers/fake-core';
import { httpSend, type HttpAnswer } from './helpers/http';
import { capturingLogger } from './helpers/log-capture';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// Bad input never crashes anything and never gets a 5xx: a clear 4xx JSON problem, nothing stored.

const SECRET = 'zohoWebhookSecret42';
const ADMIN = 'admin-token-0123456789';
const AUTH = { authorization: `Bearer ${ADMIN}` };

let t: TestDatabase;
let fake: FakeCoreControls;
let server: TdsServer;
const log = capturingLogger();

beforeAll(async () => {
  t = await createTestDatabase();
  fake = createFakeCore(t.db, log.logger, SECRET);
  server = await serveTds(fake.core, { webhookSecret: SECRET, adminToken: ADMIN, port: 0, adminLockout: { maxFailures: 1_000 } });
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});
beforeEach(async () => {
  await t.pool.query('TRUNCATE tds_webhook_events, tds_sync_queue, tds_dead_letter_queue RESTART IDENTITY');
  fake.syncStarts.length = 0;
});

async function counts(): Promise<{ events: number; queue: number }> {
  const { rows } = await t.pool.query<{ events: number; queue: number }>(
    'SELECT (SELECT count(*)::int FROM tds_webhook_events) AS events, (SELECT count(*)::int FROM tds_sync_queue) AS queue',
  );
  return rows[0]!;
}

function webhook(entity: string, record: Record<string, unknown>): Promise<HttpAnswer> {
  const rawBody = Buffer.from(JSON.stringify(record));
  const signature = signZohoWebhook({ secret: SECRET, query: '', rawBody, contentType: 'application/json' });
  return httpSend(`${server.url}/api/zoho/webhooks/${entity}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-zoho-webhook-signature': signature },
    body: rawBody,
  });
}

function admin(method: string, path: string, body?: string, contentType = 'application/json'): Promise<HttpAnswer> {
  return httpSend(`${server.url}${path}`, { method, headers: { ...AUTH, ...(body === undefined ? {} : { 'content-type': contentType }) }, body });
}

function expectProblem(res: HttpAnswer, status: number, code: string, message?: RegExp): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  expect(res.body).toEqual({ error: { status, code, message: expect.any(String) } });
  if (message) expect((res.body as { error: { message: string } }).error.message).toMatch(message);
}

describe('impossible calendar dates', () => {
  it('a products webhook with last_modified_time 2025-02-30 is 422 invalid_record, nothing stored', async () => {
    const res = await webhook('products', { item: { item_id: '4815000000044208', name: 'Widget', last_modified_time: '2025-02-30T10:00:00+0300' } });
    expectProblem(res, 422, 'invalid_record', /last_modified_time/);
    expect(await counts()).toEqual({ events: 0, queue: 0 });
    // A real leap day is fine.
    expect((await webhook('products', { item: { item_id: '4815000000044208', name: 'Widget', last_modified_time: '2024-02-29T10:00:00+0300' } })).status).toBe(202);
  });

  it.each(['2025-02-30T10:00:00Z', '2025-04-31', '2025-06-01T24:00:00Z', '2025-06-01T10:00:00+15:00'])(
    'POST /api/tds/sync/products with since %s is 400 invalid_since and starts nothing',
    async (since) => {
      expectProblem(await admin('POST', `/api/tds/sync/products?since=${encodeURIComponent(since)}`), 400, 'invalid_since', /is not a real date/);
      expectProblem(await admin('POST', '/api/tds/sync/products', JSON.stringify({ since })), 400, 'invalid_since', /is not a real date/);
      expect(fake.syncStarts).toHaveLength(0);
    },
  );
});
