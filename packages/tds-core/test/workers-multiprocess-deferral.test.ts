import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enqueueMany, queueStats } from '../src/queue';
import { createWorkerPool, type WorkerPool } from '../src/workers';
import { createAttemptsTable, deferSomeItems, recordingHandler } from './fixtures/attempt-recorder';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { waitFor } from './helpers/wait-for';

// Deferrals across two OS processes (docs/webhooks-and-queue.md, "Waiting on Zoho is not a failed
// attempt"): a worker pool here and one in a child process claim the same queue, and both defer
// items (each a fixed number of times, the same in either process) before completing them.

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const COUNT = 1500;

let t: TestDatabase;
const children: ChildProcess[] = [];
const pools: WorkerPool[] = [];

beforeAll(async () => {
  t = await createTestDatabase({ maxConnections: 20 });
  await createAttemptsTable(t.db);
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE tds_sync_queue, tds_dead_letter_queue, tds_workers, test_attempts RESTART IDENTITY`.execute(t.db);
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(pools.splice(0).map((p) => p.stop({ graceMs: 0 })));
});

/** A worker pool in a separate Node process (test/fixtures/worker-child.ts) that defers like this one. */
function startChild() {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'test/fixtures/worker-child.ts'], {
    cwd: packageDir,
    env: { ...process.env, TDS_TEST_DB_URL: t.url, CHILD_CONCURRENCY: '2', CHILD_BATCH: '25', CHILD_LEASE_SECONDS: '30', CHILD_DEFER: '1' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const next = (type: 'ready' | 'stopped') =>
    new Promise<{ type: string; processed?: number }>((resolve, reject) => {
      child.on('message', (message: { type: string }) => message.type === type && resolve(message));
      child.once('exit', (code) => reject(new Error(`worker child exited (${code}) before "${type}": ${stderr}`)));
    });
  return { child, next, exited: new Promise<void>((resolve) => child.once('exit', () => resolve())) };
}

describe('deferring worker pools in two processes', () => {
  it('every item is completed exactly once, never held twice at a time, with no attempt counted for its deferrals', { timeout: 180_000 }, async () => {
    const remote = startChild();
    await remote.next('ready');
    const handler = recordingHandler(t.db, undefined, deferSomeItems);
    const pool = createWorkerPool({ db: t.db, pool: t.pool, handlers: { products: handler, customers: handler }, concurrency: 3, batchSize: 25, leaseSeconds: 30, pollIntervalMs: 50, handlerTimeoutMs: 120_000 });
    pools.push(pool);
    await pool.start();
    await enqueueMany(t.db, Array.from({ length: COUNT }, (_, i) => ({ entity_type: i % 3 === 0 ? 'customers' : 'products', zoho_id: `rec-${i}` })));

    await waitFor(async () => {
      const s = await queueStats(t.db);
      return s.completed === COUNT && s.pending === 0 && s.processing === 0;
    }, { timeoutMs: 150_000, intervalMs: 200, label: `${COUNT} items completed` });
    remote.child.send({ type: 'stop' });
    await remote.next('stopped');
    await remote.exited;

    // Each item: exactly one completing attempt, and as many deferring ones as its id says.
    const wrong = await sql<{ item_id: string; completed: string; deferred: string }>`
      SELECT item_id, count(*) FILTER (WHERE outcome = 'completed') AS completed, count(*) FILTER (WHERE outcome = 'deferred') AS deferred
      FROM test_attempts GROUP BY item_id
      HAVING count(*) FILTER (WHERE outcome = 'completed') <> 1 OR count(*) FILTER (WHERE outcome = 'deferred') <> item_id % 3`.execute(t.db);
    expect(wrong.rows).toEqual([]);
    const totals = await sql<{ items: string; deferred: string; processes: string; unfinished: string }>`
      SELECT count(DISTINCT item_id) AS items, count(*) FILTER (WHERE outcome = 'deferred') AS deferred,
        count(DISTINCT process_id) AS processes, count(*) FILTER (WHERE finished_at IS NULL) AS unfinished
      FROM test_attempts`.execute(t.db);
    expect(totals.rows[0]).toMatchObject({ items: String(COUNT), processes: '2', unfinished: '0' });
    expect(Number(totals.rows[0]!.deferred)).toBe(COUNT); // ids 1..COUNT: 0, 1 or 2 deferrals each, COUNT in all
    // Never two holders at a time.
    const overlapping = await sql`
      SELECT a.item_id FROM test_attempts a JOIN test_attempts b ON a.item_id = b.item_id AND a.id < b.id
      WHERE b.started_at < a.finished_at`.execute(t.db);
    expect(overlapping.rows).toEqual([]);
    // No deferral counted as an attempt: every row completed at its first try, nothing dead-lettered.
    const counted = await sql<{ n: string }>`SELECT count(*) AS n FROM tds_sync_queue WHERE retry_count > 0`.execute(t.db);
    expect(counted.rows[0]!.n).toBe('0');
    expect((await queueStats(t.db)).dead_letters).toBe(0);
  });
});
