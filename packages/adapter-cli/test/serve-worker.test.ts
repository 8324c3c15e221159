import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAWN_TIMEOUT_MS, ensureCliBuilt } from './helpers/built-cli';
import { leakedSecrets, setupE2e, type E2eSetup } from './helpers/e2e';
import { runCli, startCli } from './helpers/run-cli';
import { makeWorkDir } from './helpers/work-dir';

const work = makeWorkDir();
let e2e: E2eSetup;
const ADMIN_TOKEN = 'admin-token-for-the-serve-test-7f3a';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(200);
  }
}

beforeAll(async () => {
  await ensureCliBuilt();
  e2e = await setupE2e({ seed: 'cli-serve', items: 600, customers: 10, vendors: 3, invoices: 10, bills: 5, latencyMs: 150 });
  const migrated = await runCli(['migrate'], { cwd: work.dir, env: e2e.env });
  if (migrated.code !== 0) throw new Error(`migrate failed: ${migrated.stderr}`);
}, 200_000);

afterAll(async () => {
  await e2e?.close();
  work.remove();
});

describe('long-running commands', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('serve: stores signed webhooks, workers apply them, forged ones get 401, SIGTERM stops it cleanly', async () => {
    const env = { ...e2e.env, TDS_ADMIN_TOKEN: ADMIN_TOKEN };
    const cli = startCli(['serve', '--port', '0', '--host', '127.0.0.1', '--no-scheduler', '--workers', '2'], { cwd: work.dir, env });
    try {
      const [, url] = await cli.waitFor(/listening on (http:\/\/\S+)/);
      expect(cli.stderr()).toMatch(/2 workers/);

      const health = await fetch(`${url}/api/health`);
      expect([200, 503]).toContain(health.status);
      expect(await health.json()).toHaveProperty('status');
      expect((await fetch(`${url}/api/tds/queue`)).status).toBe(401);
      expect((await fetch(`${url}/api/tds/queue`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(200);

      const item = e2e.sandbox.store.createItem({ name: 'Arrived by webhook' });
      const signed = await e2e.sandbox.sendWebhook({ target: `${url}/api/zoho/webhooks/products`, entity: 'item', id: item.item_id });
      expect(signed.status).toBeGreaterThanOrEqual(200);
      expect(signed.status).toBeLessThan(300);
      const forged = await e2e.sandbox.sendWebhook({ target: `${url}/api/zoho/webhooks/products`, entity: 'item', id: item.item_id, signature: 'invalid' });
      expect(forged.status).toBe(401);

      const row = await eventually(
        () => e2e.db.db.selectFrom('products').select('name').where('zoho_item_id', '=', item.item_id).executeTakeFirst(),
        (r) => r !== undefined,
      );
      expect(row?.name).toBe('Arrived by webhook');
    } finally {
      const result = await cli.stop('SIGTERM');
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/SIGTERM received: stopping cleanly/);
      expect(leakedSecrets(result, [...e2e.secrets, ADMIN_TOKEN])).toEqual([]);
    }
    const held = await e2e.db.db.selectFrom('tds_sync_queue').select('id').where('status', '=', 'processing').execute();
    expect(held).toEqual([]);
  });

  it('worker: registers its workers, and SIGINT stops it cleanly', async () => {
    const cli = startCli(['worker', '--workers', '1'], { cwd: work.dir, env: e2e.env });
    try {
      await cli.waitFor(/1 workers processing the queue/);
      const workers = await eventually(
        () => e2e.db.db.selectFrom('tds_workers').select(['worker_id', 'status']).where('stopped_at', 'is', null).execute(),
        (rows) => rows.length > 0,
      );
      expect(workers.length).toBeGreaterThan(0);
    } finally {
      const result = await cli.stop('SIGINT');
      expect(result.code).toBe(0);
      expect(leakedSecrets(result, e2e.secrets)).toEqual([]);
    }
  });

  it('Ctrl-C during a sync stops it cleanly: exit 130, nothing left locked', async () => {
    // 600 items at 150 ms per request: slow enough to interrupt in the middle.
    const cli = startCli(['sync', 'all', '--full'], { cwd: work.dir, env: e2e.env });
    await cli.waitFor(/sync \w+: (fetching|applying)/);
    const result = await cli.stop('SIGINT');
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/SIGINT received: stopping cleanly/);
    const held = await e2e.db.db.selectFrom('tds_sync_queue').select('id').where('status', '=', 'processing').execute();
    expect(held).toEqual([]);
    expect(leakedSecrets(result, e2e.secrets)).toEqual([]);
  });
});
