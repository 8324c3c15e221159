import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimiter } from '@tsh/zoho-client';
import { createLogger, createTdsCore, loadConfig, type TdsCore } from '../src';
import { createBudgetedRateLimiter, evaluateAlerts, createVerifySchedule, planScheduledVerify, VerifyBudgetSpentError, type BudgetReading } from '../src/internal';
import { sandboxEnvironment, startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { pauseRateLimit } from '../src/zoho-access/rate-limit-sql';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// Continuous verification (docs/verify.md): the plan and the limiter that keep a scheduled verify
// within its share of the Zoho budget, then the schedule in a real core against the sandbox,
// feeding health, the status report, /metrics and the alert.

const stored = { products: 20_000, customers: 2_000, invoices: 5_000, bills: 1_000, price_lists: 4 };
const idle: BudgetReading = { perMinute: 100, busyInWindow: 0, pausedUntil: null, daily: null };
const now = new Date('2026-12-01T10:00:00Z');
const settings = { sample: 20, intervalMs: 60 * 60_000, budgetShare: 0.05 };

describe('planning a scheduled verify against the shared budget', () => {
  it('uses its share of what the interval allows and keeps the default sample when it fits', () => {
    const plan = planScheduledVerify(settings, idle, stored, now);
    // 100/min × 60 min × 5 % = 300 requests; 20 records per entity cost about 72.
    expect(plan).toMatchObject({ run: true, sample: 20, allowance: 300, perWindow: 5 });
    expect(plan.run && plan.estimate).toBeLessThanOrEqual(300);
  });

  it('shrinks the sample to fit a small allowance, and skips when even one record per entity does not fit', () => {
    const small = planScheduledVerify({ ...settings, intervalMs: 5 * 60_000 }, idle, stored, now); // 25 requests
    expect(small.run).toBe(true);
    if (small.run) {
      expect(small.allowance).toBe(25);
      expect(small.sample).toBeLessThan(20);
      expect(small.estimate).toBeLessThanOrEqual(25);
    }
    const tiny = planScheduledVerify({ ...settings, intervalMs: 60_000 }, idle, stored, now); // 5 requests
    expect(tiny).toMatchObject({ run: false });
  });

  it('skips while Zoho has paused calls, while the window is busy, and when the daily quota is nearly spent', () => {
    expect(planScheduledVerify(settings, { ...idle, pausedUntil: new Date(now.getTime() + 30_000) }, stored, now)).toMatchObject({ run: false, reason: expect.stringContaining('429') });
    expect(planScheduledVerify(settings, { ...idle, busyInWindow: 96 }, stored, now)).toMatchObject({ run: false, reason: expect.stringContaining('busy') });
    expect(planScheduledVerify(settings, { ...idle, busyInWindow: 90 }, stored, now)).toMatchObject({ run: true });
    expect(planScheduledVerify(settings, { ...idle, daily: { limit: 10_000, remaining: 900 } }, stored, now)).toMatchObject({ run: false, reason: expect.stringContaining('daily') });
    // With the daily quota known, the allowance is also a share of what is left of it.
    expect(planScheduledVerify(settings, { ...idle, daily: { limit: 10_000, remaining: 2_000 } }, stored, now)).toMatchObject({ run: true, allowance: 100 });
  });
});

describe('the budgeted rate limiter of a scheduled verify', () => {
  /** A shared limiter that only counts, and how many of its calls ran at once. */
  function countingLimiter() {
    const state = { calls: 0, running: 0, maxRunning: 0 };
    const limiter: RateLimiter = {
      async schedule(fn) {
        state.calls++;
        state.running++;
        state.maxRunning = Math.max(state.maxRunning, state.running);
        try {
          await new Promise((r) => setImmediate(r));
          return await fn();
        } finally {
          state.running--;
        }
      },
      pause: () => undefined,
    };
    return { limiter, state };
  }

  it('makes no request past its allowance, one at a time, and aborts the run when it is spent', async () => {
    const { limiter, state } = countingLimiter();
    const abort = new AbortController();
    const budgeted = createBudgetedRateLimiter({ inner: limiter, allowance: 7, perWindow: 50, readBudget: async () => idle, abort });
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => budgeted.schedule(async () => i)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(5);
    expect(refused[0].reason).toBeInstanceOf(VerifyBudgetSpentError);
    expect(state).toMatchObject({ calls: 7, maxRunning: 1 });
    expect(budgeted.used()).toBe(7);
    expect(abort.signal.aborted).toBe(true);
  });

  it('starts at most perWindow requests per window, on a clock it is given', async () => {
    const { limiter, state } = countingLimiter();
    let clock = 0;
    const sleeps: number[] = [];
    const budgeted = createBudgetedRateLimiter({
      inner: limiter,
      allowance: 100,
      perWindow: 3,
      windowMs: 60_000,
      readBudget: async () => idle,
      abort: new AbortController(),
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    });
    const startedAt: number[] = [];
    await Promise.all(Array.from({ length: 9 }, () => budgeted.schedule(async () => startedAt.push(clock))));
    expect(state.calls).toBe(9);
    for (const t of startedAt) expect(startedAt.filter((u) => u > t - 60_000 && u <= t).length).toBeLessThanOrEqual(3);
    expect(sleeps.length).toBeGreaterThanOrEqual(2);
  });

  it('waits while the shared window leaves others less than its share, and goes on once it frees up', async () => {
    const { limiter, state } = countingLimiter();
    let busy = 99;
    let reads = 0;
    const budgeted = createBudgetedRateLimiter({
      inner: limiter,
      allowance: 10,
      perWindow: 5,
      readBudget: async () => {
        reads++;
        if (reads === 4) busy = 10;
        return { ...idle, busyInWindow: busy };
      },
      abort: new AbortController(),
      sleep: async () => {
        expect(state.calls).toBe(0);
      },
    });
    await budgeted.schedule(async () => 'ok');
    expect(reads).toBe(4);
    expect(state.calls).toBe(1);
  });
});

describe('scheduled verify in a running core', () => {
  let testDb: TestDatabase;
  let sandbox: ZohoSandbox;
  const logLines: string[] = [];

  beforeAll(async () => {
    [testDb, sandbox] = await Promise.all([
      createTestDatabase(),
      startZohoSandbox({ port: 0, seed: 'verify-schedule', items: 30, customers: 8, vendors: 2, invoices: 6, bills: 3, pricebooks: 3, requestsPerMinute: 100_000, maxConcurrent: 50 }),
    ]);
    const core = await open({ TDS_RATE_LIMIT_PER_MINUTE: '10000' }, 0);
    try {
      const results = await core.sync.run('all', { mode: 'full' });
      for (const r of results) expect({ entity: r.entity, status: r.status }).toEqual({ entity: r.entity, status: 'succeeded' });
    } finally {
      await core.close();
    }
  }, 180_000);
  afterAll(async () => {
    await sandbox?.close();
    await testDb?.close();
  });

  async function open(env: Record<string, string>, verifyEveryMs: number): Promise<TdsCore> {
    const config = loadConfig({ ...sandboxEnvironment(sandbox), DATABASE_URL: testDb.url, TDS_LOG_LEVEL: 'info', TDS_HEALTH_CACHE_MS: '0', ...env });
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void logLines.push(line) } });
    return createTdsCore({ config, database: testDb, logger, migrate: true, schedule: { incrementalEveryMs: 0, fullAt: null, verifyEveryMs }, zoho: { retryBaseDelayMs: 5, retryMaxDelayMs: 20 } });
  }

  async function scheduledRuns() {
    const { rows } = await sql<{ id: string; sample: number | null; checked: number; matching: number; drifted: number; requests: number; repair: boolean; report: { notes?: string[] } }>`
SELECT id::text AS id, sample, checked, matching, drifted, requests, repair, report FROM tds_verify_runs WHERE trigger = 'schedule' ORDER BY id`.execute(testDb.db);
    return rows;
  }

  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
    for (let i = 0; i < 1800; i++) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it('runs in one process at a time: two processes asked at once in 40 seeded interleavings never overlap', { timeout: 60_000 }, async () => {
    // Two pools are two sessions, as two `tds serve` processes would hold.
    const pools = [new pg.Pool({ connectionString: testDb.url, max: 2 }), new pg.Pool({ connectionString: testDb.url, max: 2 })];
    let seed = 16;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    let inside = 0;
    let overlaps = 0;
    let ran = 0;
    const schedules = pools.map((pool) =>
      createVerifySchedule({
        pool,
        organizationId: sandbox.organizationId,
        intervalMs: 0,
        run: async () => {
          inside++;
          if (inside > 1) overlaps++;
          await sleep(Math.floor(random() * 8));
          inside--;
          ran++;
          return 'ran';
        },
      }),
    );
    try {
      for (let i = 0; i < 40; i++) {
        const delays = [Math.floor(random() * 4), Math.floor(random() * 4)];
        const outcomes = await Promise.all(schedules.map(async (s, k) => (await sleep(delays[k]), s.runNow())));
        expect(outcomes.filter((o) => o === 'ran').length).toBeGreaterThanOrEqual(1);
      }
      expect(overlaps).toBe(0);
      expect(ran).toBeGreaterThanOrEqual(40);
    } finally {
      await Promise.all(schedules.map((s) => s.stop()));
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  const skipped = () => logLines.filter((l) => l.includes('scheduled verify skipped')).map((l) => JSON.parse(l) as { reason: string });

  it('says "not measured" before any verify ran: health, report, /metrics, no alert', async () => {
    const core = await open({}, 0);
    try {
      const health = await core.health.get();
      expect(health.verified_reliability).toMatchObject({ status: 'not measured', percent: null, checked: 0, runs: 0 });
      expect((health.alerts as Array<{ code: string }>).map((a) => a.code)).not.toContain('verified_reliability_low');
      const report = (await core.health.report('text')) as string;
      expect(report).toMatch(/Verified reliability: not measured \(no verify checked a record in the last 24 h\)/);
      const metrics = (await core.health.metrics()).body;
      expect(metrics).toMatch(/^tds_verified_reliability_ratio Nan$/m);
      expect(metrics).toMatch(/^tds_verify_checked_last_24h 0$/m);
    } finally {
      await core.close();
    }
  });

  it('skips while Zoho calls are paused after a 429, without a single request, and runs once the pause ends', { timeout: 60_000 }, async () => {
    await pauseRateLimit(testDb.db, sandbox.organizationId, 120_000);
    const before = sandbox.stats().apiRequests;
    const runsBefore = (await scheduledRuns()).length;
    const seen = skipped().length;
    const core = await open({ TDS_RATE_LIMIT_PER_MINUTE: '6000', TDS_VERIFY_SAMPLE: '50' }, 100);
    try {
      await core.start({ workers: false, healer: false, scheduler: true });
      await until(async () => skipped().length, (n) => n >= seen + 3, 'three skipped runs');
      expect(skipped().slice(seen).every((s) => s.reason.includes('429'))).toBe(true);
      expect(sandbox.stats().apiRequests).toBe(before);
      expect(await scheduledRuns()).toHaveLength(runsBefore);
      await sql`UPDATE tds_rate_limit_state SET paused_until = NULL`.execute(testDb.db);
      await until(scheduledRuns, (runs) => runs.length > runsBefore, 'a scheduled run after the pause');
    } finally {
      await core.close();
    }
  });

  it('keeps to its budget share: the sample shrinks to fit and every run makes no more requests than its allowance', { timeout: 120_000 }, async () => {
    const runsBefore = (await scheduledRuns()).length;
    const before = sandbox.stats().apiRequests;
    // 100 requests/min × 1 min × 15 % = 15 requests per run: a sample of 2 fits, 50 does not.
    const core = await open({ TDS_RATE_LIMIT_PER_MINUTE: '100', TDS_VERIFY_SAMPLE: '50', TDS_VERIFY_MAX_BUDGET_SHARE: '0.15' }, 100);
    try {
      await core.start({ workers: false, healer: false, scheduler: true });
      await until(scheduledRuns, (runs) => runs.length >= runsBefore + 2, 'two scheduled runs');
    } finally {
      await core.close();
    }
    const runs = (await scheduledRuns()).slice(runsBefore);
    for (const run of runs) {
      expect(run.requests).toBeGreaterThan(0);
      expect(run.requests).toBeLessThanOrEqual(15);
      expect(run.repair).toBe(false);
    }
    expect(runs.map((r) => r.sample)).toEqual(runs.map(() => 2));
    // Every request the sandbox saw in this time was a scheduled verify's, counted in its run.
    expect(sandbox.stats().apiRequests - before).toBe(runs.reduce((n, r) => n + r.requests, 0));
  });

  it('feeds health: 100 % after clean runs, then a tampered row drifts, reliability drops below 99.9 % and the alert is raised; nothing is repaired', { timeout: 120_000 }, async () => {
    const core = await open({ TDS_RATE_LIMIT_PER_MINUTE: '6000', TDS_VERIFY_SAMPLE: '50' }, 150);
    try {
      const runsBefore = (await scheduledRuns()).length;
      await core.start({ workers: false, healer: false, scheduler: true });
      await until(scheduledRuns, (runs) => runs.length > runsBefore, 'a clean scheduled run');
      const clean = await core.health.get();
      expect(clean.verified_reliability).toMatchObject({ status: 'measured', percent: 100, drifted: 0, missing: 0, extra: 0 });
      expect((clean.alerts as Array<{ code: string }>).map((a) => a.code)).not.toContain('verified_reliability_low');
      expect((await core.health.metrics()).body).toMatch(/^tds_verified_reliability_ratio 1$/m);

      const { rows } = await sql<{ id: string }>`
UPDATE products SET name = name || ' (edited by hand)'
WHERE zoho_item_id IN (SELECT zoho_item_id FROM products WHERE deleted_at IS NULL ORDER BY zoho_item_id LIMIT 3) RETURNING zoho_item_id AS id`.execute(testDb.db);
      expect(rows).toHaveLength(3);
      await until(scheduledRuns, (runs) => runs.some((r) => r.drifted > 0), 'a scheduled run that sees the drift');

      const health = await core.health.get();
      const v = health.verified_reliability as { status: string; percent: number; checked: number; matching: number; drifted: number };
      expect(v.status).toBe('measured');
      expect(v.drifted).toBeGreaterThanOrEqual(1);
      expect(v.matching * 100).toBeLessThan(99.9 * v.checked);
      const alert = (health.alerts as Array<{ code: string; severity: string; message: string }>).find((a) => a.code === 'verified_reliability_low');
      const severity = v.matching * 100 < 99 * v.checked ? 'critical' : 'warning';
      expect(alert).toMatchObject({ severity, message: expect.stringContaining('verified reliability is') });

      const stored = await evaluateAlerts(health.findings as never, { db: testDb.db });
      expect(stored.opened.map((n) => n.code)).toContain('verified_reliability_low');

      const report = (await core.health.report('text')) as string;
      expect(report).toMatch(/(⚠️ |🔴) Verified reliability: \d+(\.\d+)? % \([\d,]+ of [\d,]+ records equal Zoho/);
      expect(report).toContain('[verified_reliability_low]');
      const metrics = (await core.health.metrics()).body;
      const ratio = Number(/^tds_verified_reliability_ratio (\S+)$/m.exec(metrics)?.[1]);
      expect(ratio).toBeLessThan(0.999);
      expect(ratio).toBeGreaterThan(0.9);
      expect(Number(/^tds_verify_different_last_24h\{kind="drifted"\} (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
      expect(Number(/^tds_verify_drifted_total\{kind="drifted"\} (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);

      // Read-only by default: the drift is measured, never repaired on its own.
      const still = await core.db.selectFrom('products').select('name').where('zoho_item_id', 'in', rows.map((r) => r.id)).execute();
      expect(still.map((r) => r.name).filter((name) => name.endsWith('(edited by hand)'))).toHaveLength(3);
      const queued = await sql<{ n: string }>`SELECT count(*)::text AS n FROM tds_sync_queue WHERE source = 'verify'`.execute(testDb.db);
      expect(queued.rows[0].n).toBe('0');
    } finally {
      await core.close();
    }
  });
});
