import { createLogger } from '@tsh/tds-core';
import { signZohoWebhook } from '@tsh/zoho-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serveTds, type TdsServer } from '../src';
import { createFakeCore } from './helpers/fake-core';
import { httpSend } from './helpers/http';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

const SECRET = 'requestLogWebhookSecret77';
const ADMIN = 'request-log-admin-token-0123456789';
const QUERY_TOKEN = 'query-token-value-never-logged-42';
const body = JSON.stringify({ item: { item_id: '4815000000099001', name: 'Switch 8 ports', last_modified_time: '2025-06-03T14:22:47+0300' } });

// TDS's own logger (with its redaction), writing into memory.
const lines: string[] = [];
const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
const requestLines = (from: number) =>
  lines
    .slice(from)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((r) => r.req !== undefined);

let t: TestDatabase;
let server: TdsServer;
let failNext: Error | null = null;

beforeAll(async () => {
  t = await createTestDatabase();
  const { core } = createFakeCore(t.db, logger, SECRET);
  const ingestStream = core.webhooks.ingestStream;
  core.webhooks = {
    ...core.webhooks,
    ingestStream: async (delivery) => {
      if (failNext) {
        const error = failNext;
        failNext = null;
        for await (const _ of delivery.body); // read to the end, as the core does
        throw error;
      }
      return ingestStream(delivery);
    },
  };
  server = await serveTds(core, { webhookSecret: SECRET, adminToken: ADMIN, port: 0 });
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});
beforeEach(async () => {
  await t.pool.query('TRUNCATE tds_webhook_events, tds_sync_queue RESTART IDENTITY');
});

function post(path: string, query: string, headers: Record<string, string>) {
  const signature = signZohoWebhook({ secret: SECRET, query, rawBody: Buffer.from(body), contentType: 'application/json' });
  return httpSend(`${server.url}${path}${query === '' ? '' : `?${query}`}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-zoho-webhook-signature': signature, ...headers },
    body,
  });
}

describe('request log', () => {
  it('writes one line per request: id, method, path without query, remote address, status, time', async () => {
    const from = lines.length;
    const answer = await post('/api/zoho/webhooks/products', `source=zoho&tds_token=${QUERY_TOKEN}`, { 'x-request-id': 'zoho-delivery.42_a' });
    expect(answer.status).toBe(202);
    expect(answer.headers.get('x-request-id')).toBe('zoho-delivery.42_a');

    const logged = requestLines(from);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { id: 'zoho-delivery.42_a', method: 'POST', url: '/api/zoho/webhooks/products', remoteAddress: expect.stringMatching(/127\.0\.0\.1/) },
      res: { statusCode: 202 },
    });
    expect(Object.keys(logged[0].req as object).sort()).toEqual(['id', 'method', 'remoteAddress', 'url']);
    expect(Object.keys(logged[0].res as object)).toEqual(['statusCode']);
    expect(logged[0].responseTime).toEqual(expect.any(Number));
    expect(logged[0].responseTime as number).toBeGreaterThanOrEqual(0);
  });

  it('gives a request without a usable X-Request-Id a fresh one, the same in the answer and the line', async () => {
    const from = lines.length;
    const none = await post('/api/zoho/webhooks/products', '', {});
    const unusable = await httpSend(`${server.url}/api/health`, { method: 'GET', headers: { 'x-request-id': 'has spaces and "quotes"' } });
    const ids = requestLines(from).map((r) => (r.req as { id: string }).id);
    expect(ids).toEqual([none.headers.get('x-request-id'), unusable.headers.get('x-request-id')]);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('logs a refusal as a warning with its code, and never the signature, the secret, a token or a cookie', async () => {
    const from = lines.length;
    const forged = 'ab'.repeat(32);
    const refused = await httpSend(`${server.url}/api/zoho/webhooks/products?tds_token=${QUERY_TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-zoho-webhook-signature': forged, 'x-tds-webhook-token': 'header-token-never-logged-7', cookie: 'session=cookie-never-logged' },
      body,
    });
    const admin = await httpSend(`${server.url}/api/tds/queue`, { method: 'GET', headers: { authorization: `Bearer ${ADMIN}` } });
    expect([refused.status, admin.status]).toEqual([401, 200]);

    const logged = requestLines(from);
    expect(logged.map((r) => [(r.res as { statusCode: number }).statusCode, r.level])).toEqual([
      [401, 40],
      [200, 30],
    ]);
    expect(logged[0]).toMatchObject({ problem: 'invalid_signature', req: { url: '/api/zoho/webhooks/products' } });
    const text = lines.slice(from).join('\n');
    const goodSignature = signZohoWebhook({ secret: SECRET, rawBody: Buffer.from(body), contentType: 'application/json' });
    for (const secret of [SECRET, ADMIN, forged, goodSignature, QUERY_TOKEN, 'header-token-never-logged-7', 'cookie-never-logged']) {
      expect(text).not.toContain(secret);
    }
  });

  it('logs an unexpected failure as an error with the error, while the answer stays a plain 500', async () => {
    const from = lines.length;
    failNext = new Error('the intake broke unexpectedly');
    const answer = await post('/api/zoho/webhooks/products', '', {});
    expect(answer.status).toBe(500);
    expect(answer.text).not.toContain('broke unexpectedly');

    const logged = requestLines(from);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 50, msg: 'request errored', res: { statusCode: 500 }, err: { message: 'the intake broke unexpectedly' } });
  });
});
