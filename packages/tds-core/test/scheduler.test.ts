import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepeatingTask, createScheduler, nextDailyRun, withClusterLock } from '../src/internal';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase({ migrate: false });
});
afterAll(async () => {
  await testDb.close();
});

describe('nextDailyRun', () => {
  it('is today when the time is still ahead, else tomorrow', () => {
    expect(nextDailyRun('02:00', new Date('2026-11-29T01:00:00Z')).toISOString()).toBe('2026-11-29T02:00:00.000Z');
    expect(nextDailyRun('02:00', new Date('2026-11-29T02:00:00Z')).toISOString()).toBe('2026-11-30T02:00:00.000Z');
    expect(() => nextDailyRun('25:00', new Date())).toThrow(/HH:MM/);
  });
});

describe('cluster lock', () => {
  it('lets exactly one of several processes run a job at a time', async () => {
    let concurrent = 0;
    let maxConcurrent = 0;
    const job = async () => {
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      await new Promise((r) => setTimeout(r, 100));
      concurrent--;
      return 'ran';
    };
    const results = await Promise.all([1, 2, 3, 4].map(() => withClusterLock(testDb.pool, 'job-x', job)));
    expect(results.filter((r) => r === 'ran')).toHaveLength(1);
    expect(results.filter((r) => r === undefined)).toHaveLength(3);
    expect(maxConcurrent).toBe(1);
    // Released afterwards: the next run goes ahead.
    await expect(withClusterLock(testDb.pool, 'job-x', job)).resolves.toBe('ran');
  });
});

describe('scheduler', () => {
  it('runs incremental syncs periodically and stops cleanly', async () => {
    let runs = 0;
    const scheduler = createScheduler({
      pool: testDb.pool,
      organizationId: 'org',
      incrementalEveryMs: 50,
      fullAt: null,
      runIncremental: async () => {
        runs++;
      },
      runFull: async () => {
        throw new Error('not scheduled');
      },
    });
    scheduler.start();
    while (runs < 3) await new Promise((r) => setTimeout(r, 20));
    await scheduler.stop();
    const after = runs;
    await new Promise((r) => setTimeout(r, 150));
    expect(runs).toBe(after);
  });

  it('a failing job is logged and does not stop the schedule', async () => {
    let runs = 0;
    const warnings: string[] = [];
    const scheduler = createScheduler({
      pool: testDb.pool,
      organizationId: 'org2',
      incrementalEveryMs: 30,
      fullAt: null,
      logger: { debug() {}, info() {}, error() {}, warn: (obj) => warnings.push(JSON.stringify(obj)) },
      runIncremental: async () => {
        runs++;
        throw new Error('zoho down');
      },
      runFull: async () => undefined,
    });
    scheduler.start();
    while (runs < 2) await new Promise((r) => setTimeout(r, 20));
    await scheduler.stop();
    expect(warnings.some((w) => w.includes('zoho down'))).toBe(true);
  });
});

describe('repeating task', () => {
  it('joins overlapping runs, repeats on schedule, reports errors and stops', async () => {
    let runs = 0;
    const errors: unknown[] = [];
    const task = createRepeatingTask(
      'probe',
      async () => {
        runs++;
        await new Promise((r) => setTimeout(r, 20));
        if (runs === 2) throw new Error('second run fails');
        return runs;
      },
      (error) => errors.push(error),
    );
    const [a, b] = await Promise.all([task.run(), task.run()]);
    expect([a, b, runs]).toEqual([1, 1, 1]);
    expect(() => task.start(0)).toThrow(/probe interval/);
    task.start(10);
    while (runs < 4) await new Promise((r) => setTimeout(r, 10));
    await task.stop();
    const after = runs;
    await new Promise((r) => setTimeout(r, 60));
    expect(runs).toBe(after);
    expect(errors).toHaveLength(1);
  });
});
