import { createTdsCore, loadConfig, type TdsCore } from '@tsh/tds-core';
import { sandboxEnvironment, startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveTds, type TdsServer } from '../src';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// POST /api/tds/verify and GET /api/tds/verify on a real server, core, PostgreSQL and sandbox (docs/verify.md).

const ADMIN = 'admin-token-verify-0123456789';
const AUTH = { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' };

let t: TestDatabase;
let sandbox: ZohoSandbox;
let core: TdsCore;
let server: TdsServer;

beforeAll(async () => {
  t = await createTestDatabase();
  sandbox = await startZohoSandbox({ port: 0, seed: 'verify-http', items: 40, customers: 8, vendors: 2, invoices: 5, bills: 3, requestsPerMinute: 10_000 });
  const config = loadConfig({ ...sandboxEnvironment(sandbox), DATABASE_URL: t.url, TDS_ADMIN_TOKEN: ADMIN, TDS_LOG_LEVEL: 'silent' });
  core = await createTdsCore({ config, database: t });
  await core.sync.run('all', { mode: 'full' });
  server = await serveTds(core, { webhookSecret: sandbox.webhookSecret, adminToken: ADMIN, port: 0 });
});
afterAll(async () => {
  await server?.close({ closeCore: false });
  await core?.close();
  await sandbox?.close();
  await t?.close();
});

async function call(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = AUTH) {
  const res = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('verify over HTTP', () => {
  it('needs the admin token', async () => {
    expect((await call('GET', '/api/tds/verify', undefined, {})).status).toBe(401);
    expect((await call('POST', '/api/tds/verify', {}, {})).status).toBe(401);
  });

  it('POST with wait answers the report; GET returns the last one; a tampered row shows up as drift', async () => {
    const clean = await call('POST', '/api/tds/verify', { wait: true });
    expect(clean.status).toBe(200);
    expect(clean.body).toMatchObject({ ok: true });

    const { rows } = await t.pool.query<{ id: string }>('SELECT zoho_contact_id AS id FROM customers ORDER BY zoho_contact_id LIMIT 1');
    await t.pool.query(`UPDATE customers SET email = 'tampered@example.com' WHERE zoho_contact_id = $1`, [rows[0].id]);
    const started = await call('POST', '/api/tds/verify', { entities: ['customers'] });
    expect(started.status).toBe(202);
    let last: Record<string, any> = {};
    for (let i = 0; i < 100; i++) {
      last = (await call('GET', '/api/tds/verify')).body;
      if (!last.running && last.last?.entities?.[0]?.entity === 'customers') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(last.running).toBe(false);
    expect(last.last.ok).toBe(false);
    expect(last.last.entities[0].drifted).toEqual([{ zoho_id: rows[0].id, columns: [expect.objectContaining({ column: 'email', stored: 'tampered@example.com' })] }]);
  });

  it('bad options are 400', async () => {
    const unknown = await call('POST', '/api/tds/verify', { entities: ['widgets'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('invalid_verify');
    expect((await call('POST', '/api/tds/verify', { sample: 0 })).status).toBe(400);
  });
});
