import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRateLimitStatus } from '../src/internal';
import { sandboxEnvironment, startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// Four processes share one PostgreSQL and one local fake Zoho with a scaled-down budget of
// 30 requests per 3 s; each process wants 100 requests.
const LIMIT = 30;
const WINDOW_MS = 3_000;
const PROCESSES = 4;
const CALLS = 100;

let testDb: TestDatabase;
let sandbox: ZohoSandbox;

beforeAll(async () => {
  testDb = await createTestDatabase();
  sandbox = await startZohoSandbox({ port: 0, seed: 3, items: 10, customers: 2, vendors: 1, invoices: 1, bills: 1, requestsPerMinute: LIMIT, rateWindowMs: WINDOW_MS, maxConcurrent: 10 });
});

afterAll(async () => {
  await sandbox?.close();
  await testDb?.close();
});

function runChild(): Promise<Array<{ at: number; status: number }>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'test/fixtures/zoho-client-child.ts'], {
      cwd: new URL('..', import.meta.url).pathname,
      env: { ...process.env, ...sandboxEnvironment(sandbox), DATABASE_URL: testDb.url, LIMIT: String(LIMIT), WINDOW_MS: String(WINDOW_MS), ZOHO_CALLS: String(CALLS) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`child exited ${code}: ${err}`));
      resolve(out.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)));
    });
  });
}

function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('several processes share one token and one rate budget through PostgreSQL', () => {
  it('mint one token, never exceed the budget in any window, and all pause after a 429', async () => {
    const children = Array.from({ length: PROCESSES }, () => runChild());
    // One 429 while the cluster is busy: every process must hold back, not only the one that got it.
    const injected = new Promise<void>((resolve) =>
      setTimeout(() => {
        sandbox.faults.queue.push('rate-limit');
        resolve();
      }, 2 * WINDOW_MS),
    );
    const perProcess = await Promise.all(children);
    await injected;
    const attempts = perProcess.flat();

    expect(sandbox.stats().tokensMinted).toBe(1);

    const ok = attempts.filter((a) => a.status === 200);
    expect(ok).toHaveLength(PROCESSES * CALLS);
    const rejected = attempts.filter((a) => a.status === 429);
    expect(rejected).toHaveLength(1); // the injected one; the budget itself never produced a 429
    expect(maxInAnyWindow(attempts.map((a) => a.at), WINDOW_MS)).toBeLessThanOrEqual(LIMIT);
    expect(sandbox.stats().maxRequestsInWindow).toBeLessThanOrEqual(LIMIT + 1); // the injected 429 is counted too

    // The pause after a 429 is at least the base retry delay (1 s) from when it was stored: nobody
    // starts inside it (a request granted just before it was stored may still be on its way out).
    const status = await readRateLimitStatus(testDb.db, sandbox.organizationId, WINDOW_MS);
    expect(status.rateLimitedCount).toBe(1);
    const pausedAt = status.last429At!.getTime();
    expect(pausedAt).toBeGreaterThanOrEqual(rejected[0]!.at);
    const startedDuringPause = attempts.filter((a) => a.at > pausedAt + 250 && a.at < pausedAt + 950);
    expect(startedDuringPause).toEqual([]);
    expect(status.grantedCount).toBe(PROCESSES * CALLS + 1);
  }, 180_000);
});
