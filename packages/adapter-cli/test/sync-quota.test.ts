import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAWN_TIMEOUT_MS, ensureCliBuilt } from './helpers/built-cli';
import { leakedSecrets, setupE2e, type E2eSetup } from './helpers/e2e';
import { runCli, startCli } from './helpers/run-cli';
import { makeWorkDir } from './helpers/work-dir';

// docs/hardening.md, "When a daily quota runs out".
const work = makeWorkDir();
let e2e: E2eSetup;
const DAILY_LIMIT = 40;

beforeAll(async () => {
  await ensureCliBuilt();
  // A quota day of an hour: nothing resets while the test runs. One detail GET per invoice: a full sync needs well over 40 requests.
  e2e = await setupE2e({ seed: 'cli-sync-quota', items: 150, customers: 10, vendors: 2, invoices: 80, bills: 5, dailyLimit: DAILY_LIMIT, quotaWindowSeconds: 3600 });
  const migrated = await runCli(['migrate'], { cwd: work.dir, env: e2e.env });
  if (migrated.code !== 0) throw new Error(`migrate failed: ${migrated.stderr}`);
}, 200_000);

afterAll(async () => {
  await e2e?.close();
  work.remove();
});

describe('a spent daily quota', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('stops the sync with exit 3 and one message: which API, what is left, when it resets, checkpoint kept', async () => {
    const result = await runCli(['sync', 'all', '--full'], { cwd: work.dir, env: e2e.env });
    expect(result.code).toBe(3);
    const out = `${result.stdout}\n${result.stderr}`;
    expect(out).toMatch(/The daily API quota of Zoho (Books|Inventory) is spent \(0 of 40 requests left today\); it resets at \d{4}-\d\d-\d\dT[^ ]+ \(in \d+m/);
    expect(out).toMatch(/The checkpoint is kept: run `tds sync all --full` again after the reset/);
    expect(out).toMatch(/add --wait/);
    // Said once per API, not once per entity.
    for (const api of ['Books', 'Inventory']) expect((out.match(new RegExp(`quota of Zoho ${api} is spent`, 'g')) ?? []).length).toBeLessThanOrEqual(1);
    expect(out).toMatch(/Stopped: [a-z, ]*invoices/);
    // Past the limit only the requests already under way when the last one was granted (a sync
    // fetches up to 4 documents at once) are refused, then nothing: no retry storm, no waiting.
    const log = e2e.sandbox.requestLog();
    expect(log.length).toBeLessThanOrEqual(DAILY_LIMIT + 4);
    expect(out).not.toMatch(/"level":50/);
    expect(leakedSecrets(result, e2e.secrets)).toEqual([]);

    // What was applied before the stop stays; the run record keeps its counts.
    const runs = await e2e.db.db.selectFrom('tds_sync_runs').select(['entity', 'status', 'error']).execute();
    expect(runs.some((r) => r.status === 'succeeded')).toBe(true);
    expect(runs.filter((r) => r.status === 'failed').every((r) => /quota/i.test(String(r.error)))).toBe(true);
  });

  it('a second full sync says up front that it needs more than is left today', async () => {
    const result = await runCli(['sync', 'invoices', '--full'], { cwd: work.dir, env: e2e.env });
    expect(result.stderr).toMatch(/This full sync of invoices needs about \d+ Zoho Books requests, but only 0 are left today \(the quota resets at /);
    expect(result.code).toBe(3);
  });

  it('--wait waits for the reset, and SIGTERM ends that wait at once with nothing sent after it', async () => {
    const cli = startCli(['sync', 'invoices', '--full', '--wait', '--log-level', 'warn'], { cwd: work.dir, env: e2e.env, timeoutMs: 150_000 });
    await cli.waitFor(/waiting for the reset/);
    const signalledAt = Date.now();
    cli.child.kill('SIGTERM');
    const result = await cli.exited;
    expect(result.signal).toBeNull();
    expect(result.code).toBe(130);
    expect(e2e.sandbox.requestLog().filter((r) => r.at > signalledAt)).toEqual([]);
    expect(result.stdout).toMatch(/cancelled/);
    expect(result.stderr).not.toMatch(/"level":50/);
  });
});
