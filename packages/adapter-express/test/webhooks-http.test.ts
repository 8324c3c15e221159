import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { signZohoWebhook } from '@tsh/zoho-client';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serveTds, type TdsServer } from '../src';
import { createFakeCore } from './helpers/fake-core';
import { httpSend, type HttpAnswer } from './helpers/http';
import { capturingLogger } from './helpers/log-capture';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

const SECRET = 'zohoWebhookSecret42';
const ADMIN = 'admin-token-0123456789';
const MAX_BODY = 64 * 1024;
const FORM = 'application/x-www-form-urlencoded';

let t: TestDatabase;
let server: TdsServer;
const log = capturingLogger();

beforeAll(async () => {
  t = await createTestDatabase();
  const { core } = createFakeCore(t.db, log.logger, SECRET, MAX_BODY);
  server = await serveTds(core, { webhookSecret: SECRET, adminToken: ADMIN, maxBodyBytes: MAX_BODY, port: 0 });
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});
beforeEach(async () => {
  await t.pool.query('TRUNCATE tds_webhook_events, tds_sync_queue RESTART IDENTITY');
});

async function counts(): Promise<{ events: number; queue: number }> {
  const { rows } = await t.pool.query<{ events: number; queue: number }>(
    'SELECT (SELECT count(*)::int FROM tds_webhook_events) AS events, (SELECT count(*)::int FROM tds_sync_queue) AS queue',
  );
  return rows[0];
}

const item = { item_id: '4815000000044208', name: 'كابل HDMI', rate: '1250000000.25', last_modified_time: '2025-06-03T14:22:47+0300' };
const itemJson = JSON.stringify({ item });

interface Send {
  entity?: string;
  method?: 'post' | 'put' | 'delete';
  query?: string;
  body: string | Buffer;
  contentType?: string;
  signature?: string | null;
  headers?: Record<string, string>;
}

/** Sends a webhook over HTTP, signed as Zoho signs it unless a signature (or null for none) is given. */
function send(input: Send) {
  const contentType = input.contentType ?? 'application/json';
  const query = input.query ?? '';
  const rawBody = Buffer.isBuffer(input.body) ? input.body : Buffer.from(input.body);
  const signature = input.signature === undefined ? signZohoWebhook({ secret: SECRET, query, rawBody, contentType }) : input.signature;
  const headers: Record<string, string> = { 'content-type': contentType, ...input.headers };
  if (signature !== null) headers['x-zoho-webhook-signature'] = signature;
  const path = `/api/zoho/webhooks/${input.entity ?? 'products'}${query ? `?${query}` : ''}`;
  return httpSend(`${server.url}${path}`, { method: (input.method ?? 'post').toUpperCase(), headers, body: rawBody });
}

function expectProblem(res: HttpAnswer, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  expect(res.body).toEqual({ error: { status, code, message: expect.any(String) } });
  expect(res.text).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+/);
}

describe('webhook deliveries over HTTP', () => {
  it('stores a signed JSON webhook before answering 202', async () => {
    const res = await send({ body: itemJson });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'accepted', eventId: expect.any(String), queueItemId: expect.any(String) });
    const queued = await t.db.selectFrom('tds_sync_queue').selectAll().executeTakeFirstOrThrow();
    expect(queued).toMatchObject({ id: (res.body as { queueItemId: string }).queueItemId, entity_type: 'products', zoho_id: item.item_id, operation: 'upsert', source: 'webhook', payload: item });
    expect(await counts()).toEqual({ events: 1, queue: 1 });
  });

  it('keeps the exact bytes: odd whitespace and unicode escapes still verify', async () => {
    const body = `{ "item" :\n\t{"item_id":"77",  "name":"\\u0643\\u0627\\u0628\\u0644", "rate": 10.50 } }`;
    const res = await send({ body });
    expect(res.status).toBe(202);
    const queued = await t.db.selectFrom('tds_sync_queue').select('payload').executeTakeFirstOrThrow();
    expect(queued.payload).toEqual({ item_id: '77', name: 'كابل', rate: 10.5 });
  });

  it('stores a form-encoded webhook with JSONString, signed over query and form pairs', async () => {
    const contact = { contact_id: '5001', contact_name: 'Al-Rafidain', contact_type: 'customer' };
    const res = await send({ entity: 'customers', method: 'put', query: 'org=42&b=2', contentType: FORM, body: new URLSearchParams({ JSONString: JSON.stringify({ contact }) }).toString() });
    expect(res.status).toBe(202);
    const event = await t.db.selectFrom('tds_webhook_events').selectAll().executeTakeFirstOrThrow();
    expect(event).toMatchObject({ entity: 'customers', zoho_id: '5001', method: 'PUT', event: 'upsert', query: { org: '42', b: '2' } });
  });

  it('turns DELETE and ?event=deleted into delete operations', async () => {
    expect((await send({ method: 'delete', body: itemJson })).status).toBe(202);
    expect((await send({ entity: 'stock', query: 'event=deleted', body: itemJson })).status).toBe(202);
    const ops = await t.db.selectFrom('tds_sync_queue').select(['entity_type', 'operation']).orderBy('id').execute();
    expect(ops).toEqual([
      { entity_type: 'products', operation: 'delete' },
      { entity_type: 'stock', operation: 'delete' },
    ]);
  });

  it('answers a duplicate delivery 200 {"status":"duplicate"} and stores it once', async () => {
    const first = await send({ body: itemJson });
    const second = await send({ body: itemJson });
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ status: 'duplicate', eventId: (first.body as { eventId: string }).eventId });
    expect(await counts()).toEqual({ events: 1, queue: 1 });
  });

  it('reads repeated query keys from the URL itself, as signed', async () => {
    const res = await send({ query: 'tag=a&tag=b&x[y]=1', body: itemJson });
    expect(res.status).toBe(202);
    const event = await t.db.selectFrom('tds_webhook_events').select('query').executeTakeFirstOrThrow();
    expect(event.query).toEqual({ tag: ['a', 'b'], 'x[y]': '1' });
  });

  it('signs and stores a query key named __proto__ like any other key', async () => {
    const res = await send({ query: '__proto__=x&constructor=y', body: itemJson });
    expect(res.status).toBe(202);
    const { rows } = await t.pool.query<{ query: string }>('SELECT query::text AS query FROM tds_webhook_events');
    expect(rows.map((r) => JSON.parse(r.query) as unknown)).toEqual([JSON.parse('{"__proto__":"x","constructor":"y"}')]);
  });
});

describe('bad deliveries get a 4xx JSON problem and store nothing', () => {
  const signedThenChanged = (query: string, sentQuery: string) => {
    const sig = signZohoWebhook({ secret: SECRET, query, rawBody: Buffer.from(itemJson), contentType: 'application/json' });
    return send({ query: sentQuery, body: itemJson, signature: sig });
  };
  const cases: Array<{ name: string; run: () => Promise<HttpAnswer>; status: number; code: string }> = [
    { name: 'no signature', run: () => send({ body: itemJson, signature: null }), status: 401, code: 'missing_signature' },
    { name: 'wrong signature of the right length', run: () => send({ body: itemJson, signature: 'ab'.repeat(32) }), status: 401, code: 'invalid_signature' },
    {
      name: 'tampered body',
      run: () => send({ body: itemJson.replace('1250000000.25', '1.00'), signature: signZohoWebhook({ secret: SECRET, rawBody: Buffer.from(itemJson), contentType: 'application/json' }) }),
      status: 401,
      code: 'invalid_signature',
    },
    { name: 'query changed after signing', run: () => signedThenChanged('org=42', 'org=43'), status: 401, code: 'invalid_signature' },
    { name: 'event=deleted added after signing', run: () => signedThenChanged('', 'event=deleted'), status: 401, code: 'invalid_signature' },
    { name: 'malformed JSON', run: () => send({ body: '{"item":' }), status: 400, code: 'invalid_json' },
    { name: 'malformed JSONString', run: () => send({ contentType: FORM, body: 'JSONString=%7B%22item%22%3A' }), status: 400, code: 'invalid_json_string' },
    { name: 'empty body', run: () => send({ body: '' }), status: 400, code: 'empty_body' },
    { name: 'bytes that are not UTF-8', run: () => send({ body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }), status: 400, code: 'invalid_encoding' },
    { name: 'XML', run: () => send({ contentType: 'application/xml', body: '<item/>' }), status: 415, code: 'unsupported_media_type' },
    { name: 'gzip-encoded body', run: () => send({ body: itemJson, headers: { 'content-encoding': 'gzip' } }), status: 415, code: 'unsupported_encoding' },
    { name: 'contact on /products', run: () => send({ body: JSON.stringify({ contact: { contact_id: '1' } }) }), status: 422, code: 'entity_mismatch' },
    { name: 'record without id', run: () => send({ body: JSON.stringify({ item: { name: 'x' } }) }), status: 422, code: 'missing_record_id' },
    { name: 'oversized body', run: () => send({ body: JSON.stringify({ item: { ...item, description: 'x'.repeat(MAX_BODY) } }) }), status: 413, code: 'payload_too_large' },
    { name: 'unknown entity path', run: () => send({ entity: 'widgets', body: itemJson }), status: 404, code: 'unknown_entity' },
    { name: 'path below an entity', run: () => send({ entity: 'products/extra', body: itemJson }), status: 404, code: 'not_found' },
    { name: 'malformed %-escape in the path', run: () => send({ entity: '%E0%A4%A', body: itemJson }), status: 400, code: 'invalid_path' },
    { name: 'GET on a webhook route', run: () => httpSend(`${server.url}/api/zoho/webhooks/products`, { method: 'GET' }), status: 405, code: 'method_not_allowed' },
  ];

  for (const c of cases) {
    it(`${c.status} ${c.code}: ${c.name}`, async () => {
      const res = await c.run();
      expectProblem(res, c.status, c.code);
      expect(await counts()).toEqual({ events: 0, queue: 0 });
    });
  }

  it('answers 413 from Content-Length alone, before reading an oversized body', async () => {
    const res = await send({ body: Buffer.alloc(MAX_BODY + 1, 0x20) });
    expectProblem(res, 413, 'payload_too_large');
    expect(await counts()).toEqual({ events: 0, queue: 0 });
  });

  it('refuses huge headers with a 431 JSON problem and stores nothing', async () => {
    const answer = await new Promise<{ status: number; type: string | undefined; text: string }>((resolve, reject) => {
      const url = new URL('/api/zoho/webhooks/products', server.url);
      const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-filler': 'x'.repeat(64 * 1024) } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], text }));
      });
      req.on('error', reject);
      req.end(itemJson);
    });
    expect(answer.status).toBe(431);
    expect(answer.type).toMatch(/application\/json/);
    expect(JSON.parse(answer.text)).toEqual({ error: { status: 431, code: 'headers_too_large', message: expect.any(String) } });
    expect(await counts()).toEqual({ events: 0, queue: 0 });
  });

  it('answers a request the HTTP parser cannot read with a 400 JSON problem', async () => {
    const { port } = new URL(server.url);
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end('POST /api/zoho/webhooks/products HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello'));
      let received = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
    });
    const [head, body] = text.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(body)).toEqual({ error: { status: 400, code: 'malformed_request', message: expect.any(String) } });
    expect(await counts()).toEqual({ events: 0, queue: 0 });
  });
});

describe('request log', () => {
  it('writes one line per request and never the secret, the signature or the admin token', async () => {
    const before = log.lines.length;
    const good = await send({ body: itemJson });
    const bad = await send({ body: itemJson, signature: 'cd'.repeat(32) });
    await request(server.url).get('/api/tds/queue').set('Authorization', `Bearer ${ADMIN}`).set('Cookie', 'session=cookie-secret-value');
    await request(server.url).get('/api/tds/queue').set('Authorization', 'Bearer wrong-token-value');
    expect([good.status, bad.status]).toEqual([202, 401]);

    const lines = log.lines.slice(before);
    const requestLines = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.req !== undefined);
    expect(requestLines).toHaveLength(4);
    expect(requestLines.map((r) => (r.res as { statusCode: number }).statusCode)).toEqual([202, 401, 200, 403]);
    expect(requestLines[1]).toMatchObject({ problem: 'invalid_signature', level: 40 });

    const text = lines.join('\n');
    const goodSignature = signZohoWebhook({ secret: SECRET, rawBody: Buffer.from(itemJson), contentType: 'application/json' });
    for (const secret of [SECRET, ADMIN, goodSignature, 'cd'.repeat(32), 'wrong-token-value', 'cookie-secret-value']) {
      expect(text).not.toContain(secret);
    }
  });
});
