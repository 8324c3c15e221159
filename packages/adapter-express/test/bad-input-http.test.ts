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
    expectProblem(res, 422, 'invalid_record', /last_modified_time is not a real date \(February 2025 has 28 days, not 30\)/);
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

async function deadLetter(entity = 'products', zohoId = '1'): Promise<string> {
  const { rows } = await t.pool.query<{ id: string }>(
    `INSERT INTO tds_dead_letter_queue (entity_type, zoho_id, operation, payload, error, source) VALUES ($1, $2, 'upsert', '{}', 'Zoho said no', 'webhook') RETURNING id`,
    [entity, zohoId],
  );
  return rows[0]!.id;
}

async function openDeadLetters(): Promise<Array<{ id: string; resolution_note: string | null; resolved_at: Date | null }>> {
  const { rows } = await t.pool.query('SELECT id::text, resolution_note, resolved_at FROM tds_dead_letter_queue ORDER BY id');
  return rows;
}

describe('text PostgreSQL cannot store (NUL, unpaired surrogates) is 400 invalid_text, stored nowhere', () => {
  it.each([
    ['a NUL character', '{"note":"a\\u0000b"}', /note contains a NUL character/],
    ['an unpaired high surrogate', '{"note":"a\\ud800b"}', /note contains an unpaired surrogate/],
    ['an unpaired low surrogate', '{"note":"\\udc00"}', /note contains an unpaired surrogate/],
    ['a NUL in another field', '{"note":"fine","extra":["x","\\u0000"]}', /extra\[1\] contains a NUL/],
  ])('POST /api/tds/dlq/:id/resolve with %s in the body', async (_name, body, message) => {
    const id = await deadLetter();
    expectProblem(await admin('POST', `/api/tds/dlq/${id}/resolve`, body), 400, 'invalid_text', message);
    expect(await openDeadLetters()).toEqual([{ id, resolution_note: null, resolved_at: null }]);
    // A real emoji (a surrogate pair) is text like any other.
    const ok = await admin('POST', `/api/tds/dlq/${id}/resolve`, '{"note":"checked \\ud83d\\ude00 by hand"}');
    expect(ok.status, ok.text).toBe(200);
    expect((await openDeadLetters())[0]!.resolution_note).toBe('checked 😀 by hand');
  });

  it('a form-encoded note with %00 is refused too', async () => {
    const id = await deadLetter();
    expectProblem(await admin('POST', `/api/tds/dlq/${id}/resolve`, 'note=a%00b', 'application/x-www-form-urlencoded'), 400, 'invalid_text', /note contains a NUL/);
    expect((await openDeadLetters())[0]!.resolved_at).toBeNull();
  });

  it.each([
    ['/api/tds/trace/search?q=a%00b', /query parameter q contains a NUL/],
    ['/api/tds/trace/products/12%00', /path segment contains a NUL/],
    ['/api/tds/trace/prod%00ucts/12', /path segment contains a NUL/],
    ['/api/tds/changes?entity=products%00', /query parameter entity contains a NUL/],
    ['/api/tds/dlq?entity=products%00', /query parameter entity contains a NUL/],
    ['/api/tds/sync/runs/run%00', /path segment contains a NUL/],
  ])('GET %s', async (path, message) => {
    expectProblem(await admin('GET', path), 400, 'invalid_text', message);
  });

  it('entity names and search strings with a NUL in a JSON body', async () => {
    expectProblem(await admin('POST', '/api/tds/verify', '{"entities":["products\\u0000"]}'), 400, 'invalid_text', /entities\[0\] contains a NUL/);
    expectProblem(await admin('POST', '/api/tds/sync/products', '{"since":"2025-06-01\\u0000"}'), 400, 'invalid_text', /since contains a NUL/);
    expect(fake.syncStarts).toHaveLength(0);
  });
});

describe('admin query parameters take one value; bodies are objects', () => {
  it('a repeated mode starts no sync: 400 naming mode', async () => {
    expectProblem(await admin('POST', '/api/tds/sync/products?mode=full&mode=incremental'), 400, 'invalid_query', /^mode is given 2 times/);
    expectProblem(await admin('POST', '/api/tds/sync/products?since=2025-06-01&since=2025-07-01'), 400, 'invalid_query', /^since is given 2 times/);
    expectProblem(await admin('POST', '/api/tds/sync/products?full=true&full=false'), 400, 'invalid_query', /^full is given/);
    expect(fake.syncStarts).toHaveLength(0);
  });

  it.each([
    ['/api/tds/dlq?limit=1&limit=abc', /^limit is given 2 times/],
    ['/api/tds/dlq?entity=invoices&entity=stock', /^entity is given 2 times/],
    ['/api/tds/dlq?offset=0&offset=1', /^offset is given/],
    ['/api/tds/dlq?includeResolved=true&includeResolved=false', /^includeResolved is given/],
    ['/api/tds/alerts?limit=5&limit=6', /^limit is given/],
    ['/api/tds/heal-log?limit=5&limit=6', /^limit is given/],
    ['/api/tds/throughput?minutes=5&minutes=6', /^minutes is given/],
    ['/api/tds/verify/runs?limit=5&limit=6', /^limit is given/],
  ])('GET %s is 400 naming the parameter', async (path, message) => {
    expectProblem(await admin('GET', path), 400, 'invalid_query', message);
  });

  it.each([
    ['/api/tds/changes?after=1&after=2', /^after is given/],
    ['/api/tds/changes?limit=1&limit=2', /^limit is given/],
  ])('GET %s is 400 invalid_changes_query naming the parameter', async (path, message) => {
    expectProblem(await admin('GET', path), 400, 'invalid_changes_query', message);
  });

  it('trace search takes one q', async () => {
    expectProblem(await admin('GET', '/api/tds/trace/search?q=a&q=b'), 400, 'invalid_trace_search', /^q is given/);
  });

  it('entity for the change feed and entities for verify may be repeated: they are lists', async () => {
    expect((await admin('GET', '/api/tds/changes?entity=products&entity=invoices')).status).toBe(200);
    expectProblem(await admin('POST', '/api/tds/verify?entities=products&entities=widgets'), 400, 'invalid_verify', /unknown entity widgets/);
  });

  it.each(['[]', '["full"]', '"full"', '5', 'null', 'true'])('POST /api/tds/sync/products with JSON body %s is 400 invalid_body', async (body) => {
    expectProblem(await admin('POST', '/api/tds/sync/products', body), 400, 'invalid_body', /must be a JSON object \(or empty\)/);
    expect(fake.syncStarts).toHaveLength(0);
  });

  it('an empty body and an object still start a sync', async () => {
    expect((await admin('POST', '/api/tds/sync/products')).status).toBe(202);
    expect((await admin('POST', '/api/tds/sync/products', '{}')).status).toBe(202);
    expect(fake.syncStarts).toHaveLength(2);
  });

  it.each([
    ['{"sample":1e9}', /sample must be a whole number from 1 to 100000, got 1000000000$/],
    ['{"sample":100001}', /got 100001$/],
    ['{"sample":"abc"}', /got "abc"$/],
    ['{"sample":1.5}', /got 1.5$/],
    ['{"sample":true}', /got true$/],
    ['{"sample":[5]}', /got \[5\]$/],
    ['{"sample":0}', /got 0$/],
  ])('POST /api/tds/verify %s is 400 saying what was received', async (body, message) => {
    expectProblem(await admin('POST', '/api/tds/verify', body), 400, 'invalid_verify', message);
  });

  it('?sample=abc and a repeated ?sample are 400 too', async () => {
    expectProblem(await admin('POST', '/api/tds/verify?sample=abc'), 400, 'invalid_verify', /got "abc"$/);
    expectProblem(await admin('POST', '/api/tds/verify?sample=5&sample=6'), 400, 'invalid_verify', /^sample is given 2 times/);
  });

  it('a change cursor past 18 digits is too large, not "not a whole number"', async () => {
    expectProblem(await admin('GET', '/api/tds/changes?after=99999999999999999999999'), 400, 'invalid_changes_query', /^after is too large: a change id has at most 18 digits, got 23/);
    expect((await admin('GET', '/api/tds/changes?after=999999999999999999')).status).toBe(200);
  });

  it('a dead-letter id past PostgreSQL bigint is 400, not 500', async () => {
    expectProblem(await admin('POST', '/api/tds/dlq/9999999999999999999/retry'), 400, 'invalid_id');
    expectProblem(await admin('POST', '/api/tds/dlq/9999999999999999999/resolve', '{"note":"x"}'), 400, 'invalid_id');
  });
});
