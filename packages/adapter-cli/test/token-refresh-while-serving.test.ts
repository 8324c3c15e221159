import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAWN_TIMEOUT_MS, ensureCliBuilt } from './helpers/built-cli';
import { setupE2e, type E2eSetup } from './helpers/e2e';
import { runCli, startCli } from './helpers/run-cli';
import { makeWorkDir } from './helpers/work-dir';

// The black-box case: `tds serve` runs with a working token, and someone runs
// `ZOHO_CLIENT_SECRET=wrong tds token refresh` in another shell. The refused attempt is reported
// (exit 1, invalid_client), but serve stays healthy: /api/health keeps answering 200 (a warning
// that says the stored token still works), and the warning clears once serve talks to Zoho again.

const work = makeWorkDir();
let e2e: E2eSetup;
const ADMIN_TOKEN = 'admin-token-for-the-refresh-test-5d2c';
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
  e2e = await setupE2e({ seed: 'cli-refresh', items: 5, customers: 2, vendors: 1, invoices: 2, bills: 1 });
  const migrated = await runCli(['migrate'], { cwd: work.dir, env: e2e.env });
  if (migrated.code !== 0) throw new Error(`migrate failed: ${migrated.stderr}`);
}, 200_000);
afterAll(async () => {
  await e2e?.close();
  work.remove();
});

interface Health {
  status: string;
  alerts: Array<{ code: string; severity: string }>;
  zoho_api: { token_valid: boolean; credential_valid: boolean; credential_state: string };
}

describe('a refused `tds token refresh` from another shell while serve runs', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('leaves /api/health at 200 with a warning, which clears when serve next fetches from Zoho; 503s are not logged as errors', async () => {
    const env = { ...e2e.env, TDS_ADMIN_TOKEN: ADMIN_TOKEN };
    // A first sync stores the token and makes every entity fresh.
    const synced = await runCli(['sync', 'all', '--full'], { cwd: work.dir, env });
    expect(synced.code, synced.stderr).toBe(0);

    const cli = startCli(['serve', '--port', '0', '--host', '127.0.0.1', '--no-scheduler', '--workers', '1'], { cwd: work.dir, env });
    try {
      const [, url] = await cli.waitFor(/listening on (http:\/\/\S+)/);
      const read = async () => {
        const res = await fetch(`${url}/api/health`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        return { code: res.status, body: (await res.json()) as Health };
      };
      const zohoAlerts = (h: Health) => h.alerts.filter((a) => a.code.startsWith('zoho_')).map((a) => `${a.code}:${a.severity}`);
      const before = await eventually(read, (r) => r.code === 200);
      expect(before.code).toBe(200);
      expect(zohoAlerts(before.body)).toEqual([]);

      const refused = await runCli(['token', 'refresh'], { cwd: work.dir, env: { ...env, ZOHO_CLIENT_SECRET: 'a-wrong-client-secret' } });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/invalid_client/);

      // Health is read from a snapshot a few seconds old at most: wait until it shows the attempt.
      const during = await eventually(read, (r) => r.code !== 200 || zohoAlerts(r.body).length > 0);
      expect(during.code).toBe(200);
      expect(during.body.status).not.toMatch(/critical|emergency/);
      expect(during.body.zoho_api).toMatchObject({ token_valid: true, credential_valid: true, credential_state: 'refresh_failed' });
      expect(zohoAlerts(during.body)).toEqual(['zoho_refresh_failed:warning']);
      const report = await runCli(['report'], { cwd: work.dir, env });
      expect(report.stdout).toMatch(/Token: the last refresh attempt failed .* \(invalid_client\); the stored token still works, expires in/);

      // serve fetches from Zoho with the stored token (an incremental sync started through its admin API).
      const started = await fetch(`${url}/api/tds/sync/products`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ mode: 'incremental' }),
      });
      expect(started.status).toBe(202);
      const after = await eventually(read, (r) => zohoAlerts(r.body).length === 0);
      expect(after.code).toBe(200);
      expect(zohoAlerts(after.body)).toEqual([]);
      expect(after.body.zoho_api.credential_state).toBe('accepted');
    } finally {
      const result = await cli.stop('SIGTERM');
      expect(result.stderr).not.toMatch(/request errored/);
    }
  });
});
