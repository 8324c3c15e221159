// Scratch measurement (not a bench row): CPU time per job of the queue row's mixed workload, for
// TDS and graphile-worker, split into this Node process and the PostgreSQL backends of the scratch
// database (/proc/<pid>/schedstat, nanoseconds on CPU). CPU per job does not depend on how loaded
// the shared machine is, unlike jobs/s: under load, the system that needs less CPU per job wins.
// Run: node --conditions=source --import tsx bench/src/experiments/queue-cpu.ts [--rounds=3]
import { readFileSync } from 'node:fs';
import { Logger as GraphileLogger, makeWorkerUtils, run as runGraphileWorker, type AddJobsJobSpec } from 'graphile-worker';
import pg from 'pg';
import { createDatabase, migrate } from '@tsh/tds-core';
import { createWorkerPool, enqueueMany, type BatchHandler, type EnqueueInput } from '@tsh/tds-core/internal';
import { sql } from 'kysely';
import { up as up0016 } from '../../../packages/tds-core/src/db/migrations/0016-product-sync-status-sets';
import { up as up0020 } from '../../../packages/tds-core/src/db/migrations/0020-product-insert-keys-shared';
import { createScratchDatabase, serverUrl } from '../lib/scratch-database';
import { fmt, option, sleep } from '../lib/row-result';

const JOBS = option('jobs', 'JOBS', 20_000);
const ROUNDS = option('rounds', 'ROUNDS', 3);
// --variant=sql-step: tds_queue_step as the SQL function of migration 0014 (planned on every call).
const variant = process.argv.find((a) => a.startsWith('--variant='))?.slice(10);
const SQL_STEP = `DO $$ DECLARE body text; BEGIN
  SELECT substring(prosrc FROM '^\\s*BEGIN\\s+RETURN\\s+QUERY\\s(.*);\\s*END\\s*$') INTO body FROM pg_proc WHERE proname = 'tds_queue_step';
  EXECUTE format('CREATE OR REPLACE FUNCTION tds_queue_step(bigint[], text, integer, float8) RETURNS SETOF tds_sync_queue LANGUAGE sql VOLATILE SET enable_bitmapscan = off SET enable_sort = off SET jit = off AS %L', body);
END $$`;
// --variant=transition-triggers: the queue's sync_status triggers as before migration 0021 (0016's
// statement triggers with transition tables, 0020's refresh), for an A/B against 0021's noted ids.
async function restoreTransitionTriggers(db: Parameters<typeof up0016>[0]): Promise<void> {
  await up0016(db);
  await up0020(db);
  for (const event of ['insert', 'update', 'delete']) await sql.raw(`DROP TRIGGER tds_product_sync_status_note_${event} ON tds_sync_queue`).execute(db);
}
// --entity=products: the jobs are product items (their sync_status triggers fire; no product rows exist).
const ENTITY = process.argv.find((a) => a.startsWith('--entity='))?.slice(9) ?? 'noop';
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');

interface System {
  start(): Promise<void>;
  enqueue(from: number, count: number): Promise<void>;
  unfinished(): Promise<number>;
  stop(): Promise<void>;
}

const monitor = new pg.Pool({ connectionString: serverUrl(), max: 1 });

async function backendCpu(database: string): Promise<Map<number, number>> {
  const { rows } = await monitor.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1`, [database]);
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      cpu.set(pid, Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]));
    } catch {
      // gone
    }
  }
  return cpu;
}

async function measure(system: System, from: number, jobs: number) {
  for (let i = 0; i < jobs; i += 1000) await system.enqueue(from + i, Math.min(1000, jobs - i));
  while ((await system.unfinished()) > 0) await sleep(20);
}

const phases = process.argv.includes('--phases');

async function cpuOf(database: string, work: () => Promise<void>): Promise<{ seconds: number; nodeUs: number; pgUs: number }> {
  const pgBefore = await backendCpu(database);
  const nodeBefore = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const seconds = (performance.now() - t0) / 1000;
  const node = process.cpuUsage(nodeBefore);
  const pgAfter = await backendCpu(database);
  let pgNs = 0;
  for (const [pid, ns] of pgAfter) pgNs += ns - (pgBefore.get(pid) ?? 0);
  return { seconds, nodeUs: node.user + node.system, pgUs: pgNs / 1000 };
}

const show = (label: string, m: { seconds: number; nodeUs: number; pgUs: number }) =>
  console.log(
    `${label.padEnd(18)} ${fmt(JOBS / m.seconds).padStart(7)} jobs/s  CPU per 1000 jobs: node ${((m.nodeUs / JOBS)).toFixed(1).padStart(6)} ms  postgres ${((m.pgUs / JOBS)).toFixed(1).padStart(6)} ms  total ${(((m.nodeUs + m.pgUs) / JOBS)).toFixed(1).padStart(6)} ms`,
  );

async function apart(label: string, make: (url: string) => Promise<System>) {
  const scratch = await createScratchDatabase(`qcpu_${label}`);
  const system = await make(scratch.url);
  try {
    show(`${label} enqueue`, await cpuOf(scratch.name, () => (async () => { for (let i = 0; i < JOBS; i += 1000) await system.enqueue(i, 1000); })()));
    show(`${label} drain`, await cpuOf(scratch.name, async () => {
      await system.start();
      while ((await system.unfinished()) > 0) await sleep(20);
    }));
  } finally {
    await system.stop();
    await scratch.drop();
  }
}

async function once(label: string, make: (url: string) => Promise<System>) {
  if (phases) return apart(label, make);
  const scratch = await createScratchDatabase(`qcpu_${label}`);
  const system = await make(scratch.url);
  try {
    await system.start();
    await measure(system, 0, 1000);
    const pgBefore = await backendCpu(scratch.name);
    const nodeBefore = process.cpuUsage();
    const t0 = performance.now();
    await measure(system, 1_000_000, JOBS);
    const seconds = (performance.now() - t0) / 1000;
    const node = process.cpuUsage(nodeBefore);
    const pgAfter = await backendCpu(scratch.name);
    let pgNs = 0;
    for (const [pid, ns] of pgAfter) pgNs += ns - (pgBefore.get(pid) ?? ns);
    const nodeUs = node.user + node.system;
    const perK = (us: number) => ((us / JOBS) * 1000) / 1000; // ms per 1000 jobs
    console.log(
      `${label.padEnd(9)} ${fmt(JOBS / seconds).padStart(7)} jobs/s  CPU per 1000 jobs: node ${perK(nodeUs).toFixed(1).padStart(6)} ms  postgres ${perK(pgNs / 1000).toFixed(1).padStart(6)} ms  total ${perK(nodeUs + pgNs / 1000).toFixed(1).padStart(6)} ms`,
    );
  } finally {
    await system.stop();
    await scratch.drop();
  }
}

async function tdsQueue(url: string): Promise<System> {
  const database = await createDatabase({ url, maxConnections: 10, applicationName: 'qcpu-tds' });
  await migrate(database.db);
  if (variant === 'sql-step') await database.pool.query(SQL_STEP);
  if (variant === 'transition-triggers') await restoreTransitionTriggers(database.db as never);
  if (variant === 'no-sync-status-triggers') await database.pool.query('ALTER TABLE tds_sync_queue DISABLE TRIGGER tds_product_sync_status_insert, DISABLE TRIGGER tds_product_sync_status_update');
  const noop: BatchHandler = async (items) => items.map((item) => ({ id: item.id, status: 'completed' as const }));
  const pool = createWorkerPool({ db: database.db, pool: database.pool, handlers: { [ENTITY]: noop }, concurrency: 2, batchSize: 100, leaseSeconds: 60 });
  return {
    start: () => pool.start(),
    async enqueue(from, count) {
      const events: EnqueueInput[] = [];
      for (let i = from; i < from + count; i++) events.push({ entity_type: ENTITY, zoho_id: String(i), payload: { n: i } });
      await enqueueMany(database.db, events);
    },
    async unfinished() {
      const { rows } = await database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM tds_sync_queue WHERE status IN ('pending', 'processing')`);
      return rows[0]!.n;
    },
    async stop() {
      await pool.stop({ graceMs: 5000 });
      await database.close();
    },
  };
}

async function graphileWorker(url: string): Promise<System> {
  const logger = new GraphileLogger(() => () => {});
  const utils = await makeWorkerUtils({ connectionString: url, logger });
  await utils.migrate();
  const probe = new pg.Pool({ connectionString: url, max: 1 });
  let runner: Awaited<ReturnType<typeof runGraphileWorker>> | undefined;
  return {
    async start() {
      runner = await runGraphileWorker({
        connectionString: url,
        concurrency: 2,
        noHandleSignals: true,
        pollInterval: 1000,
        logger,
        taskList: { noop: async () => {} },
        preset: { worker: { localQueue: { size: 100 }, completeJobBatchDelay: 0 } },
      });
    },
    async enqueue(from, count) {
      const specs: AddJobsJobSpec[] = [];
      for (let i = from; i < from + count; i++) specs.push({ identifier: 'noop', payload: { n: i } });
      await utils.addJobs(specs);
    },
    async unfinished() {
      const { rows } = await probe.query<{ n: number }>(`SELECT count(*)::int AS n FROM graphile_worker._private_jobs`);
      return rows[0]!.n;
    },
    async stop() {
      await runner?.stop();
      await utils.release();
      await probe.end();
    },
  };
}

const systems: Record<string, (url: string) => Promise<System>> = { tds: tdsQueue, graphile: graphileWorker };
for (let r = 0; r < ROUNDS; r++) for (const [label, make] of Object.entries(systems)) if (!only || only.includes(label)) await once(label, make);
await monitor.end();
