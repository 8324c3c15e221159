import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTdsCore, loadConfig, type TdsCore } from '@tsh/tds-core';
import { sandboxEnvironment, startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serveTds, type TdsServer } from '../src';
import { dashboardDistDir } from '../src/internal';
import { openSse } from './helpers/sse';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

const ADMIN = 'admin-token-dashboard-0123456789';
const AUTH = { Authorization: `Bearer ${ADMIN}` };

let t: TestDatabase;
let sandbox: ZohoSandbox;
let core: TdsCore;
let server: TdsServer;
let distDir: string;

beforeAll(async () => {
  t = await createTestDatabase();
  sandbox = await startZohoSandbox({ port: 0, seed: 5, items: 20, customers: 6, vendors: 2, invoices: 4, bills: 2, requestsPerMinute: 10_000 });
  const config = loadConfig({ ...sandboxEnvironment(sandbox), DATABASE_URL: t.url, TDS_ADMIN_TOKEN: ADMIN, TDS_LOG_LEVEL: 'silent' });
  core = await createTdsCore({ config, database: t });
  distDir = await mkdtemp(join(tmpdir(), 'tds-dashboard-dist-'));
  await mkdir(join(distDir, 'assets'));
  await writeFile(join(distDir, 'index.html'), '<!doctype html><title>TDS Dashboard</title><script type="module" src="/tds/assets/app-abc123.js"></script>');
  await writeFile(join(distDir, 'assets', 'app-abc123.js'), 'console.log("dashboard")');
  server = await serveTds(core, { webhookSecret: sandbox.webhookSecret, adminToken: ADMIN, port: 0, dashboard: { distDir }, eventsIntervalMs: 200, adminLockout: { maxFailures: 1_000 } });
});
afterAll(async () => {
  await server?.close({ closeCore: false });
  await core?.close();
  await sandbox?.close();
  await t?.close();
  if (distDir) await rm(distDir, { recursive: true, force: true });
});
beforeEach(async () => {
  await t.pool.query('TRUNCATE tds_sync_queue, tds_dead_letter_queue, tds_alerts, tds_heal_log RESTART IDENTITY');
});

async function get(path: string, headers: Record<string, string> = AUTH) {
  const res = await fetch(`${server.url}${path}`, { headers, redirect: 'manual' });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: body as Record<string, any> };
}

describe('dashboard reads', () => {
  it('every read and event stream needs the admin token', async () => {
    for (const path of ['/api/tds/entities', '/api/tds/alerts', '/api/tds/heal-log', '/api/tds/throughput', '/api/tds/events', '/api/tds/sync/runs/x/events']) {
      const missing = await get(path, {});
      expect(missing.status, path).toBe(401);
      expect(missing.body.error.code).toBe('unauthorized');
      const wrong = await get(path, { Authorization: 'Bearer not-the-token' });
      expect(wrong.status, path).toBe(403);
    }
  });

  it('GET /api/tds/entities: each entity with its table, rows, cursor, last run and queue', async () => {
    await t.pool.query(`INSERT INTO tds_sync_queue (entity_type, zoho_id, status) VALUES ('invoices', 'inv-1', 'pending')`);
    await core.sync.run(['customers'], { mode: 'full' });
    const { status, body } = await get('/api/tds/entities');
    expect(status).toBe(200);
    expect(body.entities.map((e: { entity: string }) => e.entity)).toEqual(['products', 'customers', 'invoices', 'bills', 'stock', 'pricelists']);
    const customers = body.entities.find((e: { entity: string }) => e.entity === 'customers');
    const rows = await t.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM customers');
    expect(customers).toMatchObject({ table: 'customers', rows: rows.rows[0].n, last_run_status: 'succeeded', last_error: null });
    expect(customers.rows).toBeGreaterThan(0);
    expect(customers.last_run).toMatchObject({ mode: 'full', status: 'succeeded' });
    expect(Date.parse(customers.last_full_sync_at)).not.toBeNaN();
    expect(body.entities.find((e: { entity: string }) => e.entity === 'invoices').queue_pending).toBe(1);
  });

  it('GET /api/tds/alerts splits open and recently resolved alerts; heal log newest first', async () => {
    await t.pool.query(`
INSERT INTO tds_alerts (level, code, message, details, created_at, resolved_at) VALUES
  ('critical', 'queue_backlog', 'the queue is 5000 items behind', '{"component":"queue","remediation":"add workers","evidence":["5000 pending"]}', now(), NULL),
  ('warning', 'dlq_growing', 'dead letters are piling up', NULL, now() - interval '2 days', now() - interval '1 day'),
  ('warning', 'old_one', 'long gone', NULL, now() - interval '30 days', now() - interval '20 days')`);
    await t.pool.query(`
INSERT INTO tds_heal_log (action, target, outcome, details, created_at) VALUES
  ('clear_stuck_locks', 'tds_sync_queue', 'success', '{"cleared":2}', now() - interval '1 minute'),
  ('requeue_failed', NULL, 'noop', NULL, now() - interval '30 seconds'),
  ('restart_worker_pool', 'pool-1', 'failure', '{"error":"still stalled"}', now())`);
    const alerts = await get('/api/tds/alerts');
    expect(alerts.status).toBe(200);
    expect(alerts.body.open).toEqual([
      expect.objectContaining({ code: 'queue_backlog', severity: 'critical', component: 'queue', remediation: 'add workers', evidence: ['5000 pending'], resolved_at: null }),
    ]);
    expect(alerts.body.resolved.map((a: { code: string }) => a.code)).toEqual(['dlq_growing']);
    expect((await get('/api/tds/alerts?resolvedDays=60')).body.resolved).toHaveLength(2);
    expect((await get('/api/tds/alerts?resolvedDays=nope')).status).toBe(400);

    const heal = await get('/api/tds/heal-log');
    expect(heal.body.actions.map((a: { action: string }) => a.action)).toEqual(['restart_worker_pool', 'clear_stuck_locks']);
    expect((await get('/api/tds/heal-log?includeNoops=true')).body.actions).toHaveLength(3);
    expect((await get('/api/tds/heal-log?limit=0')).status).toBe(400);
  });

  it('GET /api/tds/throughput: completed items per minute over the window asked', async () => {
    await t.pool.query(`INSERT INTO tds_sync_queue (entity_type, zoho_id, status, completed_at) SELECT 'products', 'p' || i, 'completed', now() FROM generate_series(1, 4) i`);
    const { status, body } = await get('/api/tds/throughput?minutes=15');
    expect(status).toBe(200);
    expect(body.minutes).toHaveLength(15);
    expect(body.minutes[14].completed).toBe(4);
    expect((await get('/api/tds/throughput?minutes=99999')).status).toBe(400);
  });
});

describe('live events (Server-Sent Events)', () => {
  it('GET /api/tds/events streams a snapshot every interval: health, queue and the last hour, no secrets', async () => {
    const stream = await openSse(`${server.url}/api/tds/events`, AUTH);
    try {
      expect(stream.res.status).toBe(200);
      expect(stream.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(stream.res.headers.get('cache-control')).toBe('no-store');
      const [first] = await stream.next('snapshot');
      const data = first.data as Record<string, any>;
      expect(['healthy', 'warning', 'critical', 'emergency']).toContain(data.health.status);
      expect(data.health.queue_status).toMatchObject({ pending: 0 });
      expect(data.queue).toMatchObject({ pending: 0, dead_letters_open: 0 });
      expect(data.throughput).toHaveLength(60);

      // A change shows up in a later snapshot without asking.
      await t.pool.query(`INSERT INTO tds_sync_queue (entity_type, zoho_id, status) VALUES ('products', 'live-1', 'pending'), ('products', 'live-2', 'pending')`);
      for (let n = 2; ; n++) {
        const snapshots = await stream.next('snapshot', n);
        if ((snapshots[n - 1].data as Record<string, any>).queue.pending === 2) break;
      }
      const everything = JSON.stringify(stream.events);
      for (const secret of [ADMIN, sandbox.webhookSecret, sandbox.credentials.clientSecret, sandbox.credentials.refreshToken]) expect(everything).not.toContain(secret);
    } finally {
      await stream.close();
    }
  });

  it('GET /api/tds/sync/runs/:id/events follows a background sync until it is done, then ends', async () => {
    const start = await fetch(`${server.url}/api/tds/sync/customers`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: '{"mode":"full"}' });
    expect(start.status).toBe(202);
    const { runId } = (await start.json()) as { runId: string };
    const stream = await openSse(`${server.url}/api/tds/sync/runs/${runId}/events`, AUTH);
    await stream.ended$;
    const runs = stream.events.filter((e) => e.event === 'run').map((e) => e.data as Record<string, any>);
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.at(-1)).toMatchObject({ runId, status: 'succeeded', entities: ['customers'] });
    expect(runs.at(-1)!.progress.customers.phase).toBe('done');
    expect(runs.slice(0, -1).every((r) => r.status === 'running')).toBe(true);

    const unknown = await get('/api/tds/sync/runs/no-such-run/events');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('run_not_found');
  });

  it('a graceful close ends open event streams instead of waiting for them', async () => {
    const own = await serveTds(core, { webhookSecret: sandbox.webhookSecret, adminToken: ADMIN, port: 0, eventsIntervalMs: 200, adminLockout: { maxFailures: 1_000 } });
    const stream = await openSse(`${own.url}/api/tds/events`, AUTH);
    await stream.next('snapshot');
    await own.close({ closeCore: false });
    await stream.ended$;
    expect(stream.ended).toBe(true);
  });
});

describe('the dashboard at /tds', () => {
  it('serves the built page with a strict content policy, hashed assets as immutable, any page path as the page', async () => {
    const redirect = await get('/tds', {});
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/tds/');

    const page = await get('/tds/', {});
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.text).toContain('<title>TDS Dashboard</title>');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'.*connect-src 'self'/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');

    const asset = await get('/tds/assets/app-abc123.js', {});
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');

    expect((await get('/tds/entities', {})).text).toContain('<title>TDS Dashboard</title>');
    const missing = await get('/tds/assets/missing-123.js', {});
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    expect((await get('/tds/../package.json', {})).status).not.toBe(200);
  });

  it('answers 503 with what to run when the dashboard is not built', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'tds-dashboard-empty-'));
    const own = await serveTds(core, { webhookSecret: sandbox.webhookSecret, adminToken: ADMIN, port: 0, dashboard: { distDir: empty } });
    try {
      const res = await fetch(`${own.url}/tds/`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('dashboard_not_built');
      expect(body.error.message).toMatch(/pnpm build/);
    } finally {
      await own.close({ closeCore: false });
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('is not served unless asked for; dashboard: true finds the dashboard package', async () => {
    const own = await serveTds(core, { webhookSecret: sandbox.webhookSecret, adminToken: ADMIN, port: 0 });
    try {
      expect((await fetch(`${own.url}/tds/`)).status).toBe(404);
    } finally {
      await own.close({ closeCore: false });
    }
    expect(dashboardDistDir()).toBe(join(import.meta.dirname, '..', '..', 'dashboard', 'dist'));
  });
});
