import { createTdsCore, loadConfig, type Change, type TdsCore } from '@tsh/tds-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveTds, type TdsServer } from '../src';
import { openSse } from './helpers/sse';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// GET /api/tds/changes and its event stream on a real server, core and PostgreSQL (docs/change-feed.md).

const ADMIN = 'admin-token-changes-0123456789';
const AUTH = { Authorization: `Bearer ${ADMIN}` };

let t: TestDatabase;
let core: TdsCore;
let server: TdsServer;

beforeAll(async () => {
  t = await createTestDatabase();
  const config = loadConfig({ DATABASE_URL: t.url, ZOHO_WEBHOOK_SECRET: 'changes-http-webhook-secret', TDS_ADMIN_TOKEN: ADMIN, TDS_LOG_LEVEL: 'silent' });
  core = await createTdsCore({ config, database: t });
  server = await serveTds(core, { webhookSecret: 'changes-http-webhook-secret', adminToken: ADMIN, port: 0 });
});
afterAll(async () => {
  await server?.close({ closeCore: false });
  await core?.close();
  await t?.close();
});

let seq = 0;
async function writeProduct(): Promise<string> {
  const id = `http-${++seq}`;
  await t.pool.query(`INSERT INTO products (zoho_item_id, name) VALUES ($1, 'p')`, [id]);
  return id;
}

async function get(path: string, headers: Record<string, string> = AUTH) {
  const res = await fetch(`${server.url}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('GET /api/tds/changes', () => {
  it('needs the admin token', async () => {
    expect((await get('/api/tds/changes', {})).status).toBe(401);
    expect((await get('/api/tds/changes/stream', {})).status).toBe(401);
  });

  it('pages through the changes with after and limit, and filters by entity', async () => {
    const start = (await get('/api/tds/changes?limit=1000')).body.cursor as string;
    const ids = [await writeProduct(), await writeProduct(), await writeProduct()];
    await t.pool.query(`INSERT INTO customers (zoho_contact_id, name) VALUES ('http-customer', 'c')`);

    const page1 = await get(`/api/tds/changes?after=${start}&limit=2`);
    expect(page1.status).toBe(200);
    expect(page1.body.changes.map((c: Change) => c.zoho_id)).toEqual(ids.slice(0, 2));
    expect(page1.body.cursor).toBe(page1.body.changes[1].id);
    const page2 = await get(`/api/tds/changes?after=${page1.body.cursor}&limit=2`);
    expect(page2.body.changes.map((c: Change) => [c.entity, c.zoho_id, c.op])).toEqual([
      ['products', ids[2], 'insert'],
      ['customers', 'http-customer', 'insert'],
    ]);
    const customers = await get(`/api/tds/changes?after=${start}&entity=customers`);
    expect(customers.body.changes.map((c: Change) => c.zoho_id)).toEqual(['http-customer']);
    expect(customers.body.cursor).toBe(page2.body.cursor);
  });

  it('answers 400 to bad options and 410 to a cursor behind the retention horizon', async () => {
    expect(await get('/api/tds/changes?entity=widgets')).toMatchObject({ status: 400, body: { error: { code: 'invalid_changes_query' } } });
    expect(await get('/api/tds/changes?after=-1')).toMatchObject({ status: 400, body: { error: { code: 'invalid_changes_query' } } });
    expect(await get('/api/tds/changes?limit=5000')).toMatchObject({ status: 400 });
    await writeProduct();
    const { cursor } = (await get('/api/tds/changes?limit=1000')).body;
    await t.pool.query('UPDATE tds_change_feed_state SET purged_through = $1', [cursor]);
    try {
      const expired = await get('/api/tds/changes?after=0');
      expect(expired.status).toBe(410);
      expect(expired.body.error).toMatchObject({ code: 'cursor_expired', message: expect.stringMatching(/Resync from the tables/) });
    } finally {
      await t.pool.query('UPDATE tds_change_feed_state SET purged_through = 0');
    }
  });
});

describe('GET /api/tds/changes/stream', () => {
  it('streams new changes as they commit; Last-Event-ID resumes after the given change', async () => {
    const start = (await get('/api/tds/changes?limit=1000')).body.cursor as string;
    const stream = await openSse(`${server.url}/api/tds/changes/stream?after=${start}&entity=products`, AUTH);
    expect(stream.res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const ids = [await writeProduct(), await writeProduct(), await writeProduct()];
    const events = await stream.next('change', 3);
    stream.close();
    const changes = events.map((e) => e.data as Change);
    expect(changes.map((c) => c.zoho_id)).toEqual(ids);

    const resumed = await openSse(`${server.url}/api/tds/changes/stream?entity=products`, { ...AUTH, 'Last-Event-ID': changes[1].id });
    const [again] = await resumed.next('change', 1);
    expect((again.data as Change).zoho_id).toBe(ids[2]);
    resumed.close();
  });
});

describe('GET /api/tds/trace/:entity/:id', () => {
  it("answers a record's timeline with the versions applied, 400 on a bad entity, and needs the token", async () => {
    const id = await writeProduct();
    await t.pool.query(`UPDATE products SET name = 'renamed' WHERE zoho_item_id = $1`, [id]);
    const trace = await get(`/api/tds/trace/products/${id}`);
    expect(trace.status).toBe(200);
    expect(trace.body).toMatchObject({ entity: 'products', zoho_id: id, stored: { name: 'renamed', deleted_at: null } });
    expect(trace.body.timeline.map((e: { kind: string; op: string; columns: string[] }) => [e.kind, e.op, e.op === 'update' ? e.columns : null])).toEqual([
      ['change', 'insert', null],
      ['change', 'update', ['name']],
    ]);
    expect(await get('/api/tds/trace/widgets/1')).toMatchObject({ status: 400, body: { error: { code: 'invalid_trace' } } });
    expect((await get(`/api/tds/trace/products/${id}`, {})).status).toBe(401);
  });
});
