// Row 1 of `pnpm bench`: no-op jobs through enqueue → claim → complete on the same PostgreSQL,
// for TDS's queue, graphile-worker and pg-boss, each in an empty database of its own.
// Each system's workers are started and idle first; the clock runs from the first enqueue until
// the database holds no unfinished job. Run alone: pnpm bench queue [--jobs=20000] [--batch=100].
import { Logger as GraphileLogger, makeWorkerUtils, run as runGraphileWorker, type AddJobsJobSpec } from 'graphile-worker';
import PgBoss from 'pg-boss';
import pg from 'pg';
import { createDatabase, migrate } from '@tsh/tds-core';
import { createWorkerPool, enqueueMany, type BatchHandler, type EnqueueInput } from '@tsh/tds-core/internal';
import { createScratchDatabase } from '../lib/scratch-database';
import { fmt, option, ratio, reportRow, sleep } from '../lib/row-result';
import { packageVersion } from '../lib/package-version';

const JOBS = option('jobs', 'BENCH_QUEUE_JOBS', 20_000);
const BATCH = option('batch', 'BENCH_QUEUE_BATCH', 100);
const CHUNK = 1000;
const WORKERS = 2;
const WARM_UP = 1000;
const REPEAT = option('repeat', 'BENCH_QUEUE_REPEAT', 3);

interface Measured {
  system: string;
  seconds: number;
  enqueueSeconds: number;
  jobsPerSecond: number;
}

/** The contract every system is driven through, so the measurement code is the same for all. */
interface System {
  name: string;
  /** Starts the workers (idle until jobs arrive). */
  start(): Promise<void>;
  enqueue(from: number, count: number): Promise<void>;
  unfinished(): Promise<number>;
  stop(): Promise<void>;
}

async function measure(system: System, jobs: number, offset: number): Promise<{ seconds: number; enqueueSeconds: number }> {
  const started = performance.now();
  for (let from = 0; from < jobs; from += CHUNK) await system.enqueue(offset + from, Math.min(CHUNK, jobs - from));
  const enqueueSeconds = (performance.now() - started) / 1000;
  while ((await system.unfinished()) > 0) await sleep(20);
  return { seconds: (performance.now() - started) / 1000, enqueueSeconds };
}

async function once(label: string, make: (url: string) => Promise<System>): Promise<Measured> {
  const scratch = await createScratchDatabase(`queue_${label}`);
  let system: System | undefined;
  try {
    system = await make(scratch.url);
    await system.start();
    await measure(system, WARM_UP, 0);
    const { seconds, enqueueSeconds } = await measure(system, JOBS, 1_000_000);
    const result = { system: system.name, seconds, enqueueSeconds, jobsPerSecond: JOBS / seconds };
    console.log(`  ${system.name}: ${fmt(JOBS)} jobs in ${seconds.toFixed(2)} s (${fmt(result.jobsPerSecond)} jobs/s; enqueue done after ${enqueueSeconds.toFixed(2)} s)`);
    return result;
  } finally {
    await system?.stop().catch((error: unknown) => console.error(`  ${label}: stop failed`, error));
    await scratch.drop();
  }
}

/**
 * The two halves apart, in a fresh database: enqueue every job with no worker running, then start
 * the workers and time the drain (their start-up included).
 */
async function phases(label: string, make: (url: string) => Promise<System>): Promise<{ system: string; enqueuePerSecond: number; drainPerSecond: number }> {
  const scratch = await createScratchDatabase(`queue_${label}_phases`);
  let system: System | undefined;
  try {
    system = await make(scratch.url);
    const t0 = performance.now();
    for (let from = 0; from < JOBS; from += CHUNK) await system.enqueue(from, Math.min(CHUNK, JOBS - from));
    const enqueueSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    await system.start();
    while ((await system.unfinished()) > 0) await sleep(20);
    const drainSeconds = (performance.now() - t1) / 1000;
    console.log(`  ${system.name}, phases apart: enqueue ${fmt(JOBS / enqueueSeconds)} jobs/s, then claim + complete ${fmt(JOBS / drainSeconds)} jobs/s`);
    return { system: system.name, enqueuePerSecond: JOBS / enqueueSeconds, drainPerSecond: JOBS / drainSeconds };
  } finally {
    await system?.stop().catch((error: unknown) => console.error(`  ${label}: stop failed`, error));
    await scratch.drop();
  }
}

/** The median run of `repeat` (each in a fresh database). */
async function bench(label: string, make: (url: string) => Promise<System>, repeat = REPEAT): Promise<Measured> {
  const runs: Measured[] = [];
  for (let i = 0; i < repeat; i++) runs.push(await once(label, make));
  return runs.sort((a, b) => a.jobsPerSecond - b.jobsPerSecond)[Math.floor(runs.length / 2)]!;
}

async function tdsQueue(url: string): Promise<System> {
  const database = await createDatabase({ url, maxConnections: 10, applicationName: 'bench-tds' });
  await migrate(database.db);
  const noop: BatchHandler = async (items) => items.map((item) => ({ id: item.id, status: 'completed' as const }));
  const pool = createWorkerPool({ db: database.db, pool: database.pool, handlers: { noop }, concurrency: WORKERS, batchSize: BATCH, leaseSeconds: 60 });
  return {
    name: 'TDS queue',
    start: () => pool.start(),
    async enqueue(from, count) {
      const events: EnqueueInput[] = [];
      for (let i = from; i < from + count; i++) events.push({ entity_type: 'noop', zoho_id: String(i), payload: { n: i } });
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
  probe.on('error', () => {});
  let runner: Awaited<ReturnType<typeof runGraphileWorker>> | undefined;
  return {
    name: `graphile-worker ${packageVersion('graphile-worker')}`,
    async start() {
      runner = await runGraphileWorker({
        connectionString: url,
        concurrency: WORKERS,
        noHandleSignals: true,
        pollInterval: 1000,
        logger,
        taskList: { noop: async () => {} },
        // Its documented fast path: a local queue fetched (and locked) in batches, completions batched.
        preset: { worker: { localQueue: { size: BATCH }, completeJobBatchDelay: 0 } },
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

async function pgBoss(url: string, batchSize: number): Promise<System> {
  // No maintenance, no cron: only the queue itself is measured.
  const boss = new PgBoss({ connectionString: url, max: 10, supervise: false, schedule: false });
  boss.on('error', (error: Error) => console.error(`  pg-boss: ${error.message}`));
  await boss.start();
  await boss.createQueue('noop');
  const probe = new pg.Pool({ connectionString: url, max: 1 });
  probe.on('error', () => {});
  return {
    name: `pg-boss ${packageVersion('pg-boss')} (batchSize ${batchSize})`,
    async start() {
      // Two workers, each fetching `batchSize` jobs per poll at the shortest polling interval allowed.
      for (let i = 0; i < WORKERS; i++) await boss.work('noop', { batchSize, pollingIntervalSeconds: 0.5 }, async () => {});
    },
    async enqueue(from, count) {
      const jobs: PgBoss.JobInsert[] = [];
      for (let i = from; i < from + count; i++) jobs.push({ name: 'noop', data: { n: i } });
      await boss.insert(jobs);
    },
    async unfinished() {
      const { rows } = await probe.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'noop' AND state < 'completed'`);
      return rows[0]!.n;
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 5000 });
      await probe.end();
    },
  };
}

console.log(`queue: ${fmt(JOBS)} no-op jobs, ${WORKERS} workers, batches of ${BATCH}, enqueued in chunks of ${fmt(CHUNK)} (after a ${fmt(WARM_UP)}-job warm-up)`);
const tds = await bench('tds', tdsQueue);
const graphile = await bench('graphile', graphileWorker);
// pg-boss sleeps out its polling interval after every batch, so its throughput is set by the batch
// size: measured once at the same batch size as the others, and at 10× that (its best case here).
const bossBig = await bench('pgboss', (url) => pgBoss(url, BATCH * 10));
const boss = await bench('pgboss', (url) => pgBoss(url, BATCH), 1);

const apart = [await phases('tds', tdsQueue), await phases('graphile', graphileWorker), await phases('pgboss', (url) => pgBoss(url, BATCH * 10))];

const title = `Queue: no-op enqueue → claim → complete, ${fmt(JOBS)} jobs, ${WORKERS} workers`;
const line = (other: Measured) => ({
  benchmark: title,
  tds: `${fmt(tds.jobsPerSecond)} jobs/s`,
  reference: `${other.system}: ${fmt(other.jobsPerSecond)} jobs/s`,
  ratio: ratio(tds.jobsPerSecond, other.jobsPerSecond),
  goal: '≥ 1.1×',
  met: tds.jobsPerSecond >= 1.1 * other.jobsPerSecond,
});
reportRow({
  row: 'queue',
  lines: [line(graphile), line(boss), line(bossBig)],
  notes: [
    `Queue: median of ${REPEAT} runs (pg-boss at batchSize ${BATCH}: one run, its rate is fixed by its polling). Each system gets an empty database on the same server, its ${WORKERS} workers started and idle, then ${fmt(JOBS)} jobs enqueued in chunks of ${fmt(CHUNK)} while they work; the clock stops when the database holds no unfinished job (a ${fmt(WARM_UP)}-job warm-up runs first). ` +
      `TDS: enqueueMany (one statement per chunk) and createWorkerPool (concurrency ${WORKERS}, batchSize ${BATCH}, completion written with the next claim). ` +
      `graphile-worker: WorkerUtils.addJobs per chunk, run() with concurrency ${WORKERS}, localQueue.size ${BATCH} and completeJobBatchDelay 0 (its batching fast path; array-payload "batch jobs" are not used because every job here is one record, as in TDS). ` +
      `pg-boss: insert() per chunk, ${WORKERS} work() workers at pollingIntervalSeconds 0.5 (its minimum) with batchSize ${BATCH} and, as its best case, ${BATCH * 10}; pg-boss sleeps out the rest of the polling interval after each batch, which bounds it at ${WORKERS} × batchSize jobs per 0.5 s. ` +
      `Enqueueing finished after ${tds.enqueueSeconds.toFixed(2)} s (TDS), ${graphile.enqueueSeconds.toFixed(2)} s (graphile-worker), ${bossBig.enqueueSeconds.toFixed(2)} s (pg-boss). ` +
      `The two halves measured apart (one run each, fresh database, ${fmt(JOBS)} jobs enqueued with no worker running, then drained): ` +
      apart.map((a) => `${a.system} enqueues ${fmt(a.enqueuePerSecond)} jobs/s and claims + completes ${fmt(a.drainPerSecond)} jobs/s`).join('; ') +
      '.',
  ],
});
