import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAWN_TIMEOUT_MS, ensureCliBuilt } from './helpers/built-cli';
import { leakedSecrets, setupE2e, type E2eSetup } from './helpers/e2e';
import { runCli, startCli } from './helpers/run-cli';
import { makeWorkDir } from './helpers/work-dir';

// docs/hardening.md, "Stopping a sync": a stop ends every wait and cuts the request in flight.
const work = makeWorkDir();
let e2e: E2eSetup;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  await ensureCliBuilt();
  // One detail request per invoice: a full sync needs far more requests than the limit lets through in a minute.
  e2e = await setupE2e({ seed: 'cli-sync-stop', items: 250, customers: 20, vendors: 3, invoices: 150, bills: 5 });
  const migrated = await runCli(['migrate'], { cwd: work.dir, env: e2e.env });
  if (migrated.code !== 0) throw new Error(`migrate failed: ${migrated.stderr}`);
}, 200_000);

afterAll(async () => {
  await e2e?.close();
  work.remove();
});

/**
 * Resolves once the sandbox received more than `count` requests and then none for `quietMs`: the
 * sync is waiting for a rate slot. The limiter's window is a sliding minute, so its slots come in
 * bursts (as many as the first minute sent at once); right after a request of a burst the next may
 * be a millisecond away, while in a quiet gap it is seconds away.
 */
async function waitingForSlotAfter(count: number, quietMs = 500): Promise<void> {
  for (;;) {
    const log = e2e.sandbox.requestLog();
    if (log.length > count && Date.now() - log[log.length - 1]!.at >= quietMs) return;
    await sleep(5);
  }
}

describe('stopping a rate-limited sync', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('SIGINT while the rate limiter holds the sync back: exits at once, sends nothing more, says cancelled everywhere', async () => {
    // 20 requests a minute: after the first burst every request waits about 3 s for its slot.
    const env = { ...e2e.env, TDS_RATE_LIMIT_PER_MINUTE: '20' };
    // Killed (SIGKILL, so the exit assertions fail) if it has not stopped by itself within 20 s of starting to stop.
    const cli = startCli(['sync', 'all', '--full'], { cwd: work.dir, env, timeoutMs: 150_000 });
    await waitingForSlotAfter(26);
    // In a quiet gap of the limiter the next request is seconds away: nothing is on its way when the signal lands.
    const signalledAt = Date.now();
    cli.child.kill('SIGINT');
    const result = await Promise.race([cli.exited, sleep(20_000).then(() => cli.stop('SIGKILL'))]);

    expect(result.signal).toBeNull();
    expect(result.code).toBe(130);
    const after = e2e.sandbox.requestLog().filter((r) => r.at > signalledAt);
    expect(after).toEqual([]);

    expect(result.stderr).toMatch(/SIGINT received: stopping cleanly/);
    expect(result.stderr).toMatch(/sync \w+: cancelled, \d+ pages/);
    expect(result.stdout).toMatch(/│\s*cancelled\s*│|\bcancelled\b/);
    expect(`${result.stdout}\n${result.stderr}`).not.toMatch(/failed/i);
    // Not logged as an error (pino level 50).
    expect(result.stderr).not.toMatch(/"level":50/);
    const runs = await e2e.db.db.selectFrom('tds_sync_runs').select(['entity', 'status']).orderBy('started_at', 'desc').execute();
    expect(runs[0]?.status).toBe('cancelled');
    expect(runs.filter((r) => r.status === 'running' || r.status === 'failed')).toEqual([]);
    const held = await e2e.db.db.selectFrom('tds_sync_queue').select('id').where('status', '=', 'processing').execute();
    expect(held).toEqual([]);
    expect(leakedSecrets(result, e2e.secrets)).toEqual([]);
  });
});
