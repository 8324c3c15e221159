import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTdsApp, createTdsRouter, serveTds, TdsExpressConfigError, type TdsServer } from '../src';
import { createFakeCore, type FakeCoreControls } from './helpers/fake-core';
import { listenLocal } from './helpers/http';
import { capturingLogger } from './helpers/log-capture';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

const SECRET = 'zohoWebhookSecret42';
const ADMIN = 'admin-token-0123456789';
const AUTH = `Bearer ${ADMIN}`;

let t: TestDatabase;
let fake: FakeCoreControls;
let server: TdsServer;
const log = capturingLogger();

beforeAll(async () => {
  t = await createTestDatabase();
  fake = createFakeCore(t.db, log.logger, SECRET);
  // Wrong tokens are this file's subject, sent many times: the lockout has its own test (admin-lockout-http.test.ts).
  server = await serveTds(fake.core, { webhookSecret: SECRET, adminToken: ADMIN, port: 0, adminLockout: { maxFailures: 1_000 } });
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});
beforeEach(async () => {
  await t.pool.query('TRUNCATE tds_webhook_events, tds_sync_queue, tds_dead_letter_queue RESTART IDENTITY');
  fake.health.snapshot = { status: 'healthy', queue: { pending: 0 } };
  fake.syncStarts.length = 0;
});

const api = () => request(server.url);

function expectProblem(res: request.Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  expect(res.body).toEqual({ error: { status, code, message: expect.any(String) } });
  expect(res.text).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+/);
}

async function addDeadLetter(entityType: string, zohoId: string): Promise<string> {
  const { rows } = await t.pool.query<{ id: string }>(
    `INSERT INTO tds_dead_letter_queue (entity_type, zoho_id, operation, payload, error, source) VALUES ($1, $2, 'upsert', $3, 'Zoho said no', 'webhook') RETURNING id`,
    [entityType, zohoId, JSON.stringify({ item_id: zohoId })],
  );
  return rows[0].id;
}

describe('construction fails closed', () => {
  const cases: Array<[string, Record<string, unknown> | undefined, RegExp]> = [
    // No webhookSecret case: the core verifies webhooks with its own configuration (admin-lockout-http.test.ts).
    ['no options', undefined, /adminToken/],
    ['no admin token', { webhookSecret: SECRET }, /adminToken \(TDS_ADMIN_TOKEN\) is required/],
    ['empty admin token', { webhookSecret: SECRET, adminToken: '' }, /adminToken/],
    ['bad body limit', { webhookSecret: SECRET, adminToken: ADMIN, maxBodyBytes: -1 }, /maxBodyBytes/],
  ];
  for (const [name, options, message] of cases) {
    it(`refuses ${name}`, () => {
      for (const create of [createTdsApp, createTdsRouter]) {
        let error: unknown;
        try {
          create(fake.core, options as never);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(TdsExpressConfigError);
        expect((error as Error).message).toMatch(message);
        expect((error as Error).message).not.toContain(SECRET);
        expect((error as Error).message).not.toContain(ADMIN);
      }
    });
  }
});

describe('admin authentication', () => {
  const routes: Array<['get' | 'post', string]> = [
    ['get', '/api/tds/queue'],
    ['get', '/api/tds/dlq'],
    ['post', '/api/tds/dlq/1/retry'],
    ['post', '/api/tds/dlq/1/resolve'],
    ['post', '/api/tds/sync/products'],
    ['get', '/api/tds/sync/runs/run-1'],
    ['get', '/api/tds/report'],
  ];
  for (const [method, path] of routes) {
    it(`${method.toUpperCase()} ${path}: 401 without a token, 403 with a wrong one`, async () => {
      const none = await api()[method](path);
      expectProblem(none, 401, 'unauthorized');
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
      expectProblem(await api()[method](path).set('Authorization', `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}`), 401, 'unauthorized');
      expectProblem(await api()[method](path).set('Authorization', 'Bearer wrong-token'), 403, 'forbidden');
      expectProblem(await api()[method](path).set('Authorization', `${AUTH}x`), 403, 'forbidden');
      expectProblem(await api()[method](path).set('Authorization', AUTH.slice(0, -1)), 403, 'forbidden');
    });
  }

  it('accepts the right token, scheme in any case', async () => {
    expect((await api().get('/api/tds/queue').set('Authorization', AUTH)).status).toBe(200);
    expect((await api().get('/api/tds/queue').set('Authorization', `bearer ${ADMIN}`)).status).toBe(200);
  });

  it('answers a malformed %-escape in an admin path 401 without a token and 400 with one', async () => {
    expectProblem(await api().post('/api/tds/dlq/%E0%A4%A/retry'), 401, 'unauthorized');
    expectProblem(await api().post('/api/tds/dlq/%E0%A4%A/retry').set('Authorization', AUTH), 400, 'invalid_path');
    expectProblem(await api().get('/api/tds/sync/runs/%FF').set('Authorization', AUTH), 400, 'invalid_path');
  });

  it('answers unknown admin paths 401 without a token and 404 with one', async () => {
    expectProblem(await api().get('/api/tds/nothing-here'), 401, 'unauthorized');
    expectProblem(await api().get('/api/tds/nothing-here').set('Authorization', AUTH), 404, 'not_found');
  });
});

describe('admin routes', () => {
  it('GET /api/tds/queue shows the queue', async () => {
    await t.pool.query(`INSERT INTO tds_sync_queue (entity_type, zoho_id, source) VALUES ('products', '1', 'webhook'), ('products', '2', 'webhook')`);
    const res = await api().get('/api/tds/queue').set('Authorization', AUTH);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ pending: 2, processing: 0, by_entity: [{ entity_type: 'products', pending: 2 }] });
  });

  it('GET /api/tds/dlq lists open dead letters, filtered and paged', async () => {
    await addDeadLetter('products', 'p1');
    await addDeadLetter('customers', 'c1');
    const all = await api().get('/api/tds/dlq').set('Authorization', AUTH);
    expect(all.status).toBe(200);
    expect(all.body.items.map((i: { zoho_id: string }) => i.zoho_id).sort()).toEqual(['c1', 'p1']);
    const products = await api().get('/api/tds/dlq?entity=products&limit=10&offset=0').set('Authorization', AUTH);
    expect(products.body.items).toHaveLength(1);
    expect(products.body.items[0]).toMatchObject({ entity_type: 'products', zoho_id: 'p1', error: 'Zoho said no' });
    expectProblem(await api().get('/api/tds/dlq?limit=0').set('Authorization', AUTH), 400, 'invalid_query');
    expectProblem(await api().get('/api/tds/dlq?limit=abc').set('Authorization', AUTH), 400, 'invalid_query');
    expectProblem(await api().get('/api/tds/dlq?entity=widgets').set('Authorization', AUTH), 400, 'invalid_query');
    expectProblem(await api().get('/api/tds/dlq?includeResolved=maybe').set('Authorization', AUTH), 400, 'invalid_query');
  });

  it('POST /api/tds/dlq/:id/retry puts a dead letter back on the queue once', async () => {
    const id = await addDeadLetter('products', 'p1');
    const res = await api().post(`/api/tds/dlq/${id}/retry`).set('Authorization', AUTH);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ retried: 1 });
    const { rows } = await t.pool.query(`SELECT entity_type, zoho_id, status FROM tds_sync_queue`);
    expect(rows).toEqual([{ entity_type: 'products', zoho_id: 'p1', status: 'pending' }]);
    expectProblem(await api().post(`/api/tds/dlq/${id}/retry`).set('Authorization', AUTH), 404, 'dead_letter_not_found');
    expectProblem(await api().post('/api/tds/dlq/abc/retry').set('Authorization', AUTH), 400, 'invalid_id');
    expectProblem(await api().post('/api/tds/dlq/-1/retry').set('Authorization', AUTH), 400, 'invalid_id');
  });

  it('POST /api/tds/dlq/all/retry retries every open dead letter', async () => {
    await addDeadLetter('products', 'p1');
    await addDeadLetter('customers', 'c1');
    const res = await api().post('/api/tds/dlq/all/retry').set('Authorization', AUTH);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ retried: 2 });
  });

  it('POST /api/tds/dlq/:id/resolve needs a note', async () => {
    const id = await addDeadLetter('products', 'p1');
    const path = `/api/tds/dlq/${id}/resolve`;
    expectProblem(await api().post(path).set('Authorization', AUTH), 400, 'note_required');
    expectProblem(await api().post(path).set('Authorization', AUTH).send({ note: '  ' }), 400, 'note_required');
    expectProblem(await api().post(path).set('Authorization', AUTH).send({ note: 42 }), 400, 'note_required');
    expectProblem(await api().post(path).set('Authorization', AUTH).send({ note: 'x'.repeat(2001) }), 400, 'note_too_long');
    expectProblem(await api().post(path).set('Authorization', AUTH).set('Content-Type', 'application/json').send('{"note":'), 400, 'invalid_json');
    expectProblem(await api().post('/api/tds/dlq/all/resolve').set('Authorization', AUTH).send({ note: 'x' }), 400, 'invalid_id');

    const res = await api().post(path).set('Authorization', AUTH).send({ note: 'item deleted in Zoho on purpose' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ resolved: true });
    const { rows } = await t.pool.query(`SELECT resolution_note FROM tds_dead_letter_queue WHERE id = $1`, [id]);
    expect(rows[0].resolution_note).toBe('item deleted in Zoho on purpose');
    expectProblem(await api().post(path).set('Authorization', AUTH).send({ note: 'again' }), 404, 'dead_letter_not_found');
  });

  it('POST /api/tds/sync/:entity starts a run: 202 with its id and where to follow it', async () => {
    const res = await api().post('/api/tds/sync/products').set('Authorization', AUTH).send({ mode: 'full', since: '2025-01-01T00:00:00Z' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ runId: expect.any(String) });
    expect(res.headers.location).toBe(`/api/tds/sync/runs/${res.body.runId}`);
    expect(fake.syncStarts[0]).toEqual({ entities: ['products'], options: { mode: 'full', since: new Date('2025-01-01T00:00:00Z') } });

    const run = await api().get(res.headers.location).set('Authorization', AUTH);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ runId: res.body.runId, status: 'running' });
  });

  it('reads a JSON body whatever its Content-Type says (curl -d sends a form type, fetch text/plain), and form fields', async () => {
    const ids = [await addDeadLetter('products', 'p1'), await addDeadLetter('products', 'p2'), await addDeadLetter('products', 'p3')];
    const asCurl = await api().post(`/api/tds/dlq/${ids[0]}/resolve`).set('Authorization', AUTH).set('Content-Type', 'application/x-www-form-urlencoded').send('{"note":"sent by curl -d"}');
    const asFetch = await api().post(`/api/tds/dlq/${ids[1]}/resolve`).set('Authorization', AUTH).set('Content-Type', 'text/plain;charset=UTF-8').send('{"note":"sent by fetch"}');
    const asForm = await api().post(`/api/tds/dlq/${ids[2]}/resolve`).set('Authorization', AUTH).set('Content-Type', 'application/x-www-form-urlencoded').send('note=sent+as+a+form');
    expect([asCurl.status, asFetch.status, asForm.status]).toEqual([200, 200, 200]);
    const { rows } = await t.pool.query<{ resolution_note: string }>('SELECT resolution_note FROM tds_dead_letter_queue ORDER BY id');
    expect(rows.map((r) => r.resolution_note)).toEqual(['sent by curl -d', 'sent by fetch', 'sent as a form']);

    const sync = await api().post('/api/tds/sync/products').set('Authorization', AUTH).set('Content-Type', 'application/x-www-form-urlencoded').send('{"mode":"full"}');
    expect(sync.status).toBe(202);
    expect(fake.syncStarts[0]).toEqual({ entities: ['products'], options: { mode: 'full' } });
    expectProblem(await api().post('/api/tds/sync/products').set('Authorization', AUTH).set('Content-Type', 'text/plain').send('{"mode":'), 400, 'invalid_json');
    expect(fake.syncStarts).toHaveLength(1);
  });

  it('POST /api/tds/sync/all with the mode in the query', async () => {
    const res = await api().post('/api/tds/sync/all?mode=incremental').set('Authorization', AUTH);
    expect(res.status).toBe(202);
    expect(fake.syncStarts[0]).toEqual({ entities: 'all', options: { mode: 'incremental' } });
  });

  it('POST /api/tds/sync/:entity takes full: true (or ?full=true), as the CLI takes --full', async () => {
    expect((await api().post('/api/tds/sync/products').set('Authorization', AUTH).send({ full: true })).status).toBe(202);
    expect((await api().post('/api/tds/sync/stock?full=true').set('Authorization', AUTH)).status).toBe(202);
    expect((await api().post('/api/tds/sync/bills').set('Authorization', AUTH).send({ full: false })).status).toBe(202);
    expect(fake.syncStarts).toEqual([
      { entities: ['products'], options: { mode: 'full' } },
      { entities: ['stock'], options: { mode: 'full' } },
      { entities: ['bills'], options: {} },
    ]);
    expectProblem(await api().post('/api/tds/sync/products').set('Authorization', AUTH).send({ full: true, mode: 'incremental' }), 400, 'invalid_mode');
    expectProblem(await api().post('/api/tds/sync/products?full=maybe').set('Authorization', AUTH), 400, 'invalid_query');
    expect(fake.syncStarts).toHaveLength(3);
  });

  it('refuses unknown entities, modes and dates without starting anything', async () => {
    expectProblem(await api().post('/api/tds/sync/widgets').set('Authorization', AUTH), 404, 'unknown_entity');
    expectProblem(await api().post('/api/tds/sync/products').set('Authorization', AUTH).send({ mode: 'everything' }), 400, 'invalid_mode');
    expectProblem(await api().post('/api/tds/sync/products?since=yesterday').set('Authorization', AUTH), 400, 'invalid_since');
    expectProblem(await api().post('/api/tds/sync/products').set('Authorization', AUTH).send({ since: '2025-13-45' }), 400, 'invalid_since');
    expect(fake.syncStarts).toHaveLength(0);
  });

  it('GET /api/tds/sync/runs/:id is 404 for a run that does not exist', async () => {
    expectProblem(await api().get('/api/tds/sync/runs/no-such-run').set('Authorization', AUTH), 404, 'run_not_found');
    expectProblem(await api().get('/api/tds/sync/runs/bad%20id%3B').set('Authorization', AUTH), 404, 'run_not_found');
  });

  it('GET /api/tds/report answers text or JSON by Accept', async () => {
    const text = await api().get('/api/tds/report').set('Authorization', AUTH).set('Accept', 'text/plain');
    expect(text.status).toBe(200);
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
    expect(text.text).toContain('TDS status report');
    const json = await api().get('/api/tds/report').set('Authorization', AUTH).set('Accept', 'application/json');
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ title: 'TDS status report', queue: { pending: 0 } });
    const plain = await api().get('/api/tds/report').set('Authorization', AUTH);
    expect(plain.headers['content-type']).toMatch(/^text\/plain/);
    expectProblem(await api().get('/api/tds/report').set('Authorization', AUTH).set('Accept', 'image/png'), 406, 'not_acceptable');
  });
});

describe('health and metrics', () => {
  for (const [status, code] of [
    ['healthy', 200],
    ['warning', 200],
    ['critical', 503],
    ['emergency', 503],
  ] as const) {
    it(`GET /api/health is ${code} when ${status}; details only with the admin token`, async () => {
      fake.health.snapshot = { status, checked_at: '2025-06-03T11:22:47.000Z', last_sync_timestamps: { products: null }, organization_id: '42', queue: { pending: 3 } };
      const anonymous = await api().get('/api/health');
      expect(anonymous.status).toBe(code);
      expect(anonymous.body).toEqual({ status, checked_at: '2025-06-03T11:22:47.000Z', last_sync_timestamps: { products: null } });
      const detailed = await api().get('/api/health').set('Authorization', AUTH);
      expect(detailed.status).toBe(code);
      expect(detailed.body).toEqual(fake.health.snapshot);
      expectProblem(await api().get('/api/health').set('Authorization', 'Bearer wrong-token'), 403, 'forbidden');
    });
  }

  it('GET /api/health never shows a secret', async () => {
    fake.health.snapshot = {
      status: 'healthy',
      token: { valid: true, access_token: 'zoho-access-token-value', expiresInSeconds: 3000 },
      webhookSecret: SECRET,
      note: `configured with ${ADMIN}`,
    };
    const res = await api().get('/api/health').set('Authorization', AUTH);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'healthy', token: { valid: true, expiresInSeconds: 3000 }, note: 'configured with [REDACTED]' });
    expect(res.text).not.toContain('zoho-access-token-value');
    expect(res.text).not.toContain(SECRET);
  });

  it('GET /api/health is 503 with a JSON problem when health cannot be read', async () => {
    fake.health.snapshot = new Error(`connect ECONNREFUSED postgres://postgres:${ADMIN}@db`);
    const res = await api().get('/api/health');
    expectProblem(res, 503, 'health_unavailable');
    expect(res.text).not.toContain(ADMIN);
  });

  it('GET /metrics is Prometheus text, behind the admin token by default', async () => {
    expectProblem(await api().get('/metrics'), 401, 'unauthorized');
    const res = await api().get('/metrics').set('Authorization', AUTH);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.text).toMatch(/^tds_queue_pending 0$/m);
  });

  it('GET /metrics refuses a wrong token, and can be opened for a scraper on a private network', async () => {
    expectProblem(await api().get('/metrics').set('Authorization', 'Bearer nope'), 403, 'forbidden');
    const app = createTdsApp(fake.core, { webhookSecret: SECRET, adminToken: ADMIN, metricsRequireAuth: false, logger: log.logger });
    const local = await listenLocal(app);
    try {
      expect((await request(local.url).get('/metrics')).status).toBe(200);
    } finally {
      await local.close();
    }
  });
});

describe('errors', () => {
  it('answers unknown routes with a JSON 404', async () => {
    expectProblem(await api().get('/nothing/here'), 404, 'not_found');
    expectProblem(await api().post('/api/zoho'), 404, 'not_found');
  });

  it('answers a failing core with a bare 500: no message, no stack; the log has the error', async () => {
    const failing = { ...fake.core, queue: { ...fake.core.queue, status: async () => Promise.reject(new Error('relation "tds_sync_queue" does not exist')) } };
    const local = await listenLocal(createTdsApp(failing, { webhookSecret: SECRET, adminToken: ADMIN, logger: log.logger }));
    const before = log.lines.length;
    try {
      const res = await request(local.url).get('/api/tds/queue').set('Authorization', AUTH);
      expectProblem(res, 500, 'internal_error');
      expect(res.body.error.message).toBe('Internal server error');
      expect(res.text).not.toContain('tds_sync_queue');
    } finally {
      await local.close();
    }
    const line = log.records().slice(before).find((r) => r.req !== undefined)!;
    expect(line).toMatchObject({ level: 50, res: { statusCode: 500 }, err: { message: 'relation "tds_sync_queue" does not exist' } });
  });

  it('createTdsRouter mounts into a host app without taking its other routes', async () => {
    const host = express();
    host.use(createTdsRouter(fake.core, { webhookSecret: SECRET, adminToken: ADMIN }));
    host.get('/hello', (_req, res) => {
      res.json({ hello: 'world' });
    });
    const local = await listenLocal(host);
    try {
      expect((await request(local.url).get('/hello')).body).toEqual({ hello: 'world' });
      expect((await request(local.url).get('/api/health')).status).toBe(200);
      expectProblem(await request(local.url).get('/api/tds/queue'), 401, 'unauthorized');
      expectProblem(await request(local.url).post('/api/zoho/webhooks/widgets'), 404, 'unknown_entity');
    } finally {
      await local.close();
    }
  });
});
