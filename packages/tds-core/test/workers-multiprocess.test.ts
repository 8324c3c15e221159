import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enqueueMany, queueStats } from '../src/queue';
import { createWorkerPool, type WorkerPool } from '../src/workers';
import { createAttemptsTable, recordingHandler } from './fixtures/attempt-recorder';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { waitFor } from './helpers/wait-for';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

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

type ChildMessage = { type: 'ready'; pid: number } | { type: 'hung'; ids: string[] } | { type: 'stopped'; processed: number };

/** A worker pool in a separate Node process (test/fixtures/worker-child.ts), run from source through tsx. */
function startChild(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'test/fixtures/worker-child.ts'], {
    cwd: packageDir,
    env: { ...process.env, TDS_TEST_DB_URL: t.url, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const next = <T extends ChildMessage['type']>(type: T) =>
    new Promise<Extract<ChildMessage, { type: T }>>((resolve, reject) => {
      const onMessage = (message: ChildMessage) => {
        if (message.type === type) {
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(message as Extract<ChildMessage, { type: T }>);
        }
      };
      const onExit = (code: number | null) => reject(new Error(`worker child exited (${code}) before "${type}": ${stderr}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, next, exited };
}

const items = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ entity_type: i % 3 === 0 ? 'customers' : 'products', zoho_id: `rec-${i}` }));

async function enqueueInBatches(count: number): Promise<void> {
  const all = items(count);
  for (let i = 0; i < all.length; i += 2000) await enqueueMany(t.db, all.slice(i, i + 2000));
}

async function startLocalPool(options: { concurrency: number; leaseSeconds: number }): Promise<WorkerPool> {
  const handler = recordingHandler(t.db);
  const pool = createWorkerPool({
    db: t.db,
    pool: t.pool,
    handlers: { products: handler, customers: handler },
    batchSize: 25,
    pollIntervalMs: 50,
    handlerTimeoutMs: 120_000,
    ...options,
  });
  pools.push(pool);
  await pool.start();
  return pool;
}

const allDone = (count: number) => async () => {
  const stats = await queueStats(t.db);
  return stats.completed === count && stats.pending === 0 && stats.processing === 0;
};

/**
 * Items with two attempts whose holding periods overlap. An attempt holds from its start to its
 * finish; one that never finished (its process was killed) holds until `deadBy`, a moment by
 * which that process was certainly dead.
 */
const overlappingAttempts = (deadBy: Date | 'infinity' = 'infinity') =>
  sql<{ item_id: string }>`
    SELECT a.item_id FROM test_attempts a
    JOIN test_attempts b ON a.item_id = b.item_id AND a.id < b.id
    WHERE b.started_at < coalesce(a.finished_at, ${deadBy === 'infinity' ? deadBy : deadBy.toISOString()}::timestamptz)`.execute(t.db).then((r) => r.rows);

describe('worker pools in two processes', () => {
  it('complete 10 000 items exactly once, never with two holders at a time', { timeout: 180_000 }, async () => {
    const remote = startChild({ CHILD_CONCURRENCY: '2', CHILD_BATCH: '25', CHILD_LEASE_SECONDS: '30' });
    await remote.next('ready');
    await startLocalPool({ concurrency: 4, leaseSeconds: 30 });
    await enqueueInBatches(10_000);

    await waitFor(allDone(10_000), { timeoutMs: 150_000, intervalMs: 200, label: '10 000 items completed' });
    remote.child.send({ type: 'stop' });
    const stopped = await remote.next('stopped');

    const perItem = await sql<{ attempts: string; finished: string; items: string; processes: string }>`
      SELECT count(*) AS attempts, count(finished_at) AS finished, count(DISTINCT item_id) AS items, count(DISTINCT process_id) AS processes
      FROM test_attempts`.execute(t.db);
    expect(perItem.rows[0]).toEqual({ attempts: '10000', finished: '10000', items: '10000', processes: '2' });
    expect(await overlappingAttempts()).toEqual([]);
    expect(stopped.processed).toBeGreaterThan(0);
    const byProcess = await sql<{ process_id: number; n: string }>`SELECT process_id, count(*) AS n FROM test_attempts GROUP BY process_id`.execute(t.db);
    expect(byProcess.rows.find((r) => r.process_id === remote.child.pid)?.n).toBe(String(stopped.processed));
    await remote.exited;
  });

  it('after kill -9 of a process mid-batch, its items come back after the lease and complete once', { timeout: 120_000 }, async () => {
    const lease = 2;
    const remote = startChild({ CHILD_CONCURRENCY: '1', CHILD_BATCH: '25', CHILD_LEASE_SECONDS: String(lease), CHILD_HANG_ON_BATCH: '2' });
    await remote.next('ready');
    const hung = remote.next('hung');
    await enqueueInBatches(2000);
    const { ids: heldByChild } = await hung;
    await startLocalPool({ concurrency: 2, leaseSeconds: lease });
    remote.child.kill('SIGKILL');
    await remote.exited;
    const { rows: [{ now: diedBy }] } = await sql<{ now: Date }>`SELECT clock_timestamp() AS now`.execute(t.db);

    await waitFor(allDone(2000), { timeoutMs: 100_000, intervalMs: 100, label: '2 000 items completed' });

    const finishedPerItem = await sql<{ item_id: string; finished: string; attempts: string }>`
      SELECT item_id, count(finished_at) AS finished, count(*) AS attempts FROM test_attempts GROUP BY item_id`.execute(t.db);
    expect(finishedPerItem.rows).toHaveLength(2000);
    expect(finishedPerItem.rows.filter((r) => r.finished !== '1')).toEqual([]);
    // Only the batch the child held when it died was attempted twice.
    const twice = finishedPerItem.rows.filter((r) => r.attempts !== '1').map((r) => r.item_id).sort();
    expect(twice).toEqual([...heldByChild].sort());
    expect(await overlappingAttempts(diedBy)).toEqual([]);

    // The second attempt began only after the dead holder's lease had run out, and counted as a retry.
    const retakes = await sql<{ ok: boolean }>`
      SELECT b.started_at >= a.lease_until AS ok
      FROM test_attempts a JOIN test_attempts b ON a.item_id = b.item_id AND a.id < b.id
      WHERE a.process_id = ${remote.child.pid!}`.execute(t.db);
    expect(retakes.rows).toHaveLength(heldByChild.length);
    expect(retakes.rows.every((r) => r.ok)).toBe(true);
    const retried = await t.db.selectFrom('tds_sync_queue').select(['retry_count', 'last_error']).where('id', 'in', heldByChild).execute();
    expect(retried.every((r) => r.retry_count === 1 && r.last_error?.startsWith('lease expired while held by'))).toBe(true);
  });
});
