import { request as httpRequest } from 'node:http';
import { createTdsCore, loadConfig, type TdsCore } from '@tsh/tds-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveTds, type TdsServer } from '../src';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// The change feed, its event stream and the trace routes are admin routes: the same token check with
// the wrong-token lockout per client address as the rest of /api/tds (docs/security.md), on a real
// server and core.

const ADMIN = 'admin-token-changes-lockout-0123456789';
const PATHS = ['/api/tds/changes', '/api/tds/changes/stream', '/api/tds/trace/products/123', '/api/tds/trace/search?q=123'];

let t: TestDatabase;
let core: TdsCore;
let server: TdsServer;
const clock = { now: 5_000_000 };

beforeAll(async () => {
  t = await createTestDatabase();
  const config = loadConfig({ DATABASE_URL: t.url, ZOHO_WEBHOOK_SECRET: 'changes-lockout-webhook-secret', TDS_ADMIN_TOKEN: ADMIN, TDS_LOG_LEVEL: 'silent' });
  core = await createTdsCore({ config, database: t });
  server = await serveTds(core, { webhookSecret: 'changes-lockout-webhook-secret', adminToken: ADMIN, port: 0, host: '127.0.0.1', adminLockout: { now: () => clock.now } });
});
afterAll(async () => {
  await server?.close({ closeCore: false });
  await core?.close();
  await t?.close();
});

/** One GET from a chosen loopback address; a stream is read only up to its status line. */
function get(from: string, path: string, token?: string): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, localAddress: from, agent: false, headers: token ? { authorization: `Bearer ${token}` } : {} },
      (res) => {
        if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          resolve({ status: res.statusCode!, retryAfter: undefined, body: '' });
          res.destroy();
          return;
        }
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the change feed routes lock out an address after wrong admin tokens', () => {
  it.each(PATHS.map((path, i) => [path, `127.0.0.${20 + i}`]))('%s: five wrong tokens, then 429 with Retry-After even for the right token; other addresses unaffected', async (path, attacker) => {
    expect((await get(attacker, path, ADMIN)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await get(attacker, path, `wrong-${i}`)).status).toBe(403);

    const locked = await get(attacker, path, ADMIN);
    expect({ status: locked.status, retryAfter: locked.retryAfter }).toEqual({ status: 429, retryAfter: '30' });
    expect(JSON.parse(locked.body)).toMatchObject({ error: { status: 429, code: 'too_many_attempts' } });
    expect(locked.body).not.toContain(ADMIN);
    // The count is shared with the other admin routes of the address.
    expect((await get(attacker, '/api/tds/queue', ADMIN)).status).toBe(429);
    expect((await get('127.0.0.40', path, ADMIN)).status).toBe(200);
  });

  it('the lock ends after its block, and the right token clears the count', async () => {
    const attacker = '127.0.0.30';
    for (let i = 0; i < 5; i++) await get(attacker, '/api/tds/changes', `wrong-${i}`);
    expect((await get(attacker, '/api/tds/trace/search?q=1', ADMIN)).status).toBe(429);
    clock.now += 30_001;
    expect((await get(attacker, '/api/tds/trace/search?q=1', ADMIN)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await get(attacker, '/api/tds/changes', `again-${i}`)).status).toBe(403);
    expect((await get(attacker, '/api/tds/changes', ADMIN)).status).toBe(200);
  });
});

describe('GET /api/tds/trace/search', () => {
  it('finds records by SKU or name, and answers 400 to an empty search', async () => {
    await t.pool.query(`INSERT INTO products (zoho_item_id, name, sku) VALUES ('4711', 'Spark plug', 'SP-9')`);
    const res = await fetch(`${server.url}/api/tds/trace/search?q=sp-9`, { headers: { Authorization: `Bearer ${ADMIN}` } });
    expect(await res.json()).toEqual({ results: [{ entity: 'products', zoho_id: '4711', label: 'Spark plug', detail: 'SP-9', deleted: false, matched: 'number' }] });
    const empty = await fetch(`${server.url}/api/tds/trace/search?q=`, { headers: { Authorization: `Bearer ${ADMIN}` } });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { code: 'invalid_trace_search' } });
  });
});
