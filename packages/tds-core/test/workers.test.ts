import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enqueue, enqueueMany, listDeadLetters, queueStats, type QueueItem } from '../src/queue';
import { WorkerPoolConfigError, createWorkerPool, type BatchHandler, type WorkerPool, type WorkerPoolOptions } from '../src/workers';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { waitFor } from './helpers/wait-for';

let t: TestDatabase;
const pools: WorkerPool[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE tds_sync_queue, tds_dead_letter_queue, tds_workers RESTART IDENTITY`.execute(t.db);
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.stop({ graceMs: 0 })));
});

function startPool(handlers: Record<string, BatchHandler>, options: Partial<WorkerPoolOptions> = {}): Promise<WorkerPool> {
  const pool = createWorkerPool({ db: t.db, pool: t.pool, handlers, pollIntervalMs: 20, leaseSeconds: 5, ...options });
  pools.push(pool);
  return pool.start().then(() => pool);
}

const completeAll: BatchHandler = async (items) => items.map((i) => ({ id: i.id, status: 'completed' as const }));
const rows = () => t.db.selectFrom('tds_sync_queue').selectAll().orderBy('id').execute();
const drained = async () => {
  const s = await queueStats(t.db);
  return s.pending === 0 && s.processing === 0;
};

describe('worker pool', () => {
  it('runs each entity type through its handler and completes the items', async () => {
    const seen: Array<{ entity: string; ids: string[]; workerId: string }> = [];
    const record: BatchHandler = async (items, ctx) => {
      seen.push({ entity: items[0].entity_type, ids: items.map((i) => i.id), workerId: ctx.workerId });
      expect(new Set(items.map((i) => i.entity_type)).size).toBe(1);
      return completeAll(items, ctx);
    };
    await startPool({ products: record, customers: record }, { concurrency: 2, batchSize: 7 });
    await enqueueMany(t.db, [
      ...Array.from({ length: 30 }, (_, i) => ({ entity_type: 'products', zoho_id: `p${i}` })),
      ...Array.from({ length: 20 }, (_, i) => ({ entity_type: 'customers', zoho_id: `c${i}` })),
    ]);
    await waitFor(drained, { label: 'queue drained' });
    const all = await rows();
    expect(all.every((r) => r.status === 'completed')).toBe(true);
    expect(seen.flatMap((s) => s.ids).sort()).toEqual(all.map((r) => r.id).sort());
    for (const batch of seen) expect(batch.ids.length).toBeLessThanOrEqual(7);
    const holders = new Map(all.map((r) => [r.id, r.locked_by]));
    for (const batch of seen) for (const id of batch.ids) expect(holders.get(id)).toBe(batch.workerId);
  });

  it('dead-letters items of an entity type that has no handler, and carries on with the rest', async () => {
    await startPool({ products: completeAll });
    await enqueueMany(t.db, [
      { entity_type: 'products', zoho_id: '1' },
      { entity_type: 'unicorns', zoho_id: '2' },
    ]);
    await waitFor(drained, { label: 'queue drained' });
    const { items } = await listDeadLetters(t.db);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ entity_type: 'unicorns', retry_count: 1 });
    expect(items[0].error).toContain('no handler registered for entity type "unicorns"');
    expect((await rows()).map((r) => r.status)).toEqual(['completed']);
  });

  it('retries a transient failure after growing delays, then completes it', async () => {
    const attempts: Array<{ at: number; retryCount: number }> = [];
    const flaky: BatchHandler = async (items) => {
      attempts.push({ at: Date.now(), retryCount: items[0].retry_count });
      if (attempts.length <= 3) throw new Error(`Zoho answered 503 (${attempts.length})`);
      return items.map((i) => ({ id: i.id, status: 'completed' as const }));
    };
    await startPool({ invoices: flaky }, { backoff: { baseSeconds: 0.2, jitter: 0.2 } });
    await enqueue(t.db, { entity_type: 'invoices', zoho_id: 'inv-1' });
    await waitFor(drained, { label: 'queue drained' });
    expect(attempts.map((a) => a.retryCount)).toEqual([0, 1, 2, 3]);
    const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i].at);
    // Each wait is at least the backoff of its attempt (0.2 · 2ⁿ s − 20 % jitter): 160, 320, 640 ms at least.
    gaps.forEach((gap, n) => expect(gap).toBeGreaterThanOrEqual(0.8 * 200 * 2 ** n - 5));
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'completed', retry_count: 3, last_error: 'Error: Zoho answered 503 (3)' });
  });

  it('fails items a handler reports as failed, and items it says nothing about', async () => {
    const partial: BatchHandler = async (items) => [
      { id: items.find((i) => i.zoho_id === 'ok')!.id, status: 'completed' },
      { id: items.find((i) => i.zoho_id === 'bad')!.id, status: 'failed', error: 'total is not a number', retryable: false },
    ];
    await startPool({ bills: partial }, { batchSize: 10, backoff: { baseSeconds: 60 } });
    await enqueueMany(t.db, ['ok', 'bad', 'forgotten'].map((zoho_id) => ({ entity_type: 'bills', zoho_id })));
    // The dead letter first: it is written while the batch's completed item still waits for the
    // worker's next step, so rows read before it could all be pending, not yet claimed.
    await waitFor(async () => (await listDeadLetters(t.db)).total === 1 && (await rows()).every((r) => r.status !== 'processing'), { label: 'outcomes recorded' });
    const byZoho = Object.fromEntries((await rows()).map((r) => [r.zoho_id, r]));
    expect(byZoho.ok.status).toBe('completed');
    expect(byZoho.forgotten).toMatchObject({ status: 'pending', retry_count: 1, last_error: 'handler returned no outcome for this item' });
    expect(byZoho.bad).toBeUndefined();
    expect((await listDeadLetters(t.db)).items[0]).toMatchObject({ zoho_id: 'bad', error: 'total is not a number' });
  });

  it('abandons a handler that hangs past its time limit; the item is claimed again and completes', async () => {
    let calls = 0;
    let firstSignal: AbortSignal | undefined;
    const hangsOnce: BatchHandler = async (items, ctx) => {
      calls++;
      if (calls === 1) {
        firstSignal = ctx.signal;
        await new Promise(() => {}); // never settles
      }
      return completeAll(items, ctx);
    };
    await startPool({ products: hangsOnce }, { handlerTimeoutMs: 300, backoff: { baseSeconds: 0.05 } });
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'hangs' });
    await waitFor(drained, { label: 'queue drained' });
    expect(calls).toBe(2);
    expect(firstSignal?.aborted).toBe(true);
    const [row] = await rows();
    expect(row.status).toBe('completed');
    expect(row.last_error).toContain('handler did not finish within 300 ms; abandoned');
  });

  it('keeps renewing the lease of a long batch, so no other worker takes it', async () => {
    const attempts: string[] = [];
    const slow: BatchHandler = async (items, ctx) => {
      attempts.push(...items.map((i) => `${i.id}@${ctx.workerId}`));
      await new Promise((resolve) => setTimeout(resolve, 2500));
      return completeAll(items, ctx);
    };
    await startPool({ products: slow }, { leaseSeconds: 1, heartbeatMs: 200, handlerTimeoutMs: 20_000, concurrency: 1 });
    await startPool({ products: slow }, { leaseSeconds: 1, heartbeatMs: 200, handlerTimeoutMs: 20_000, concurrency: 1 });
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'long' });
    await waitFor(drained, { label: 'queue drained' });
    expect(attempts).toHaveLength(1);
    expect((await rows())[0]).toMatchObject({ status: 'completed', retry_count: 0 });
  });

  it('records heartbeats in tds_workers and marks the workers stopped', async () => {
    const pool = await startPool({ products: completeAll }, { concurrency: 3, leaseSeconds: 1, heartbeatMs: 100 });
    const first = await t.db.selectFrom('tds_workers').selectAll().execute();
    expect(first).toHaveLength(3);
    expect(first.every((w) => w.process_id === process.pid && w.status === 'idle')).toBe(true);
    await waitFor(async () => {
      const later = await t.db.selectFrom('tds_workers').select(['worker_id', 'last_heartbeat_at']).execute();
      return later.every((w) => w.last_heartbeat_at.getTime() > first.find((f) => f.worker_id === w.worker_id)!.last_heartbeat_at.getTime());
    }, { label: 'a second heartbeat' });
    await pool.stop();
    const stopped = await t.db.selectFrom('tds_workers').selectAll().execute();
    expect(stopped.every((w) => w.status === 'stopped' && w.stopped_at !== null)).toBe(true);
    expect(pool.status().state).toBe('stopped');
  });

  it('on stop, lets a batch finish within the grace period', async () => {
    let finish!: () => void;
    const started = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gated: BatchHandler = async (items, ctx) => {
      finish();
      await gate;
      return completeAll(items, ctx);
    };
    const pool = await startPool({ products: gated });
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'g' });
    await started;
    const stopping = pool.stop({ graceMs: 10_000 });
    setTimeout(release, 100);
    await stopping;
    expect((await rows())[0].status).toBe('completed');
  });

  it('on stop, releases what did not finish within the grace period back to pending, without counting an attempt', async () => {
    let signal: AbortSignal | undefined;
    let started!: () => void;
    const inHandler = new Promise<void>((resolve) => {
      started = resolve;
    });
    const stuck: BatchHandler = async (items, ctx) => {
      signal = ctx.signal;
      started();
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      return completeAll(items, ctx); // too late: the items were released
    };
    const pool = await startPool({ products: stuck }, { batchSize: 5, handlerTimeoutMs: 60_000 });
    await enqueueMany(t.db, Array.from({ length: 5 }, (_, i) => ({ entity_type: 'products', zoho_id: `s${i}` })));
    await inHandler;
    await pool.stop({ graceMs: 50 });
    expect(signal?.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const all = await rows();
    expect(all).toHaveLength(5);
    expect(all.every((r) => r.status === 'pending' && r.locked_by === null && r.retry_count === 0)).toBe(true);
  });

  it('wakes on NOTIFY, and reconnects its listener after the connection is terminated', async () => {
    const done: string[] = [];
    const record: BatchHandler = async (items, ctx) => {
      done.push(...items.map((i) => i.zoho_id));
      return completeAll(items, ctx);
    };
    // Polling is an hour apart: only a notification can wake these workers.
    const pool = await startPool({ products: record }, { pollIntervalMs: 3_600_000 });
    const firstPid = await waitFor(() => pool.status().listener.backendPid, { label: 'listener connected' });
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the workers fall asleep
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'before' });
    await waitFor(() => done.includes('before'), { label: 'woken by NOTIFY' });

    const { rows: terminated } = await sql<{ ok: boolean }>`SELECT pg_terminate_backend(${firstPid}::int) AS ok`.execute(t.db);
    expect(terminated[0].ok).toBe(true);
    const secondPid = await waitFor(() => {
      const listener = pool.status().listener;
      return listener.reconnects === 1 && listener.backendPid !== null && listener.backendPid !== firstPid && listener.backendPid;
    }, { label: 'listener reconnected' });
    expect(secondPid).not.toBe(firstPid);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'after' });
    await waitFor(() => done.includes('after'), { label: 'woken by NOTIFY after reconnect' });
  });

  it('restarts with new worker ids and goes on working', async () => {
    const pool = await startPool({ products: completeAll }, { concurrency: 2 });
    const before = pool.status().workers.map((w) => w.workerId);
    await pool.restart({ graceMs: 1000 });
    const after = pool.status().workers.map((w) => w.workerId);
    expect(pool.status().state).toBe('running');
    expect(after.filter((id) => before.includes(id))).toEqual([]);
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'r' });
    await waitFor(drained, { label: 'queue drained' });
    expect(pool.status().processed).toBe(1);
  });

  it('refuses bad options with a clear error', () => {
    const base = { db: t.db, pool: t.pool, handlers: { products: completeAll } };
    expect(() => createWorkerPool({ ...base, concurrency: 0 })).toThrow(WorkerPoolConfigError);
    expect(() => createWorkerPool({ ...base, batchSize: 2.5 })).toThrow(/batchSize/);
    expect(() => createWorkerPool({ ...base, leaseSeconds: 1, heartbeatMs: 5000 })).toThrow(/heartbeatMs/);
    expect(() => createWorkerPool({ ...base, handlers: { products: 'nope' as unknown as BatchHandler } })).toThrow(/products/);
  });

  it('gives handlers the claimed rows with their columns', async () => {
    let got: QueueItem | undefined;
    await startPool({
      products: async (items, ctx) => {
        got = items[0];
        return completeAll(items, ctx);
      },
    });
    await enqueue(t.db, { entity_type: 'products', zoho_id: '77', operation: 'delete', payload: { item_id: '77' }, zoho_last_modified_time: '2025-06-03T14:22:47+0300', source: 'webhook' });
    await waitFor(() => got, { label: 'handler called' });
    expect(got).toMatchObject({ entity_type: 'products', zoho_id: '77', operation: 'delete', payload: { item_id: '77' }, source: 'webhook', retry_count: 0, status: 'processing' });
    expect(got?.zoho_last_modified_time).toEqual(new Date('2025-06-03T11:22:47Z'));
    expect(typeof got?.id).toBe('string');
  });
});
