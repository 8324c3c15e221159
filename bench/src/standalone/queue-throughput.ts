// No-op queue throughput: enqueue, then claim + complete with a pool of workers, per batch size and
// queue depth. Prints numbers; it asserts nothing. Run: pnpm bench:queue [--depths=20000,100000]
// [--batches=1,10,100] [--sample=20000] [--workers=2] [--repeat=3]. Uses DATABASE_URL, else an
// embedded PostgreSQL. Each run uses a fresh database; the median of the repeats is reported.
import { availableParallelism } from 'node:os';
import { sql, type Kysely } from 'kysely';
import { randomBytes } from 'node:crypto';
import { createWorkerPool, enqueueMany, useClaimPlan, type BatchHandler, type Database, type EnqueueInput } from '@tsh/tds-core/internal';
import { createTestDatabase } from '@tsh/test-utils';

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [key, value = ''] = arg.replace(/^--/, '').split('=');
    return [key, value];
  }),
);
const list = (name: string, fallback: number[]) => (args.get(name) ? args.get(name)!.split(',').map(Number) : fallback);
const depths = list('depths', [20_000, 100_000]);
const batches = list('batches', [1, 10, 100]);
const sample = Number(args.get('sample') ?? 20_000);
const workers = Number(args.get('workers') ?? 2);
const repeat = Number(args.get('repeat') ?? 3);

const noop: BatchHandler = async (items) => items.map((i) => ({ id: i.id, status: 'completed' as const }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Run {
  /** Buffer pages one claim of the batch size touches with the whole queue pending: flat if claiming ignores depth. */
  claimPages: number;
  enqueuePerSec: number;
  processed: number;
  seconds: number;
  perSec: number;
}

interface Row {
  depth: number;
  batch: number;
  runs: Run[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function scenario(depth: number, batch: number): Promise<Run> {
  const database = await createTestDatabase();
  try {
    const started = performance.now();
    for (let offset = 0; offset < depth; offset += 5000) {
      const chunk: EnqueueInput[] = [];
      for (let i = offset; i < Math.min(depth, offset + 5000); i++) chunk.push({ entity_type: 'products', zoho_id: String(i), payload: { item_id: String(i) } });
      await enqueueMany(database.db, chunk);
    }
    const enqueueSeconds = (performance.now() - started) / 1000;
    await sql`ANALYZE tds_sync_queue`.execute(database.db);
    const claimPages = await pagesPerClaim(database.db, batch);

    const target = Math.min(depth, sample);
    const pool = createWorkerPool({ db: database.db, pool: database.pool, handlers: { products: noop }, concurrency: workers, batchSize: batch, leaseSeconds: 60 });
    const t0 = performance.now();
    await pool.start();
    while (pool.status().processed < target) await sleep(10);
    const seconds = (performance.now() - t0) / 1000;
    const processed = pool.status().processed;
    await pool.stop({ graceMs: 5000 });
    return { claimPages, enqueuePerSec: depth / enqueueSeconds, processed, seconds, perSec: processed / seconds };
  } finally {
    await database.close();
  }
}

/** Runs one claim under EXPLAIN (ANALYZE, BUFFERS) in a transaction that is rolled back. */
async function pagesPerClaim(db: Kysely<Database>, batch: number): Promise<number> {
  let pages = 0;
  const rollback = new Error('rollback');
  await db
    .transaction()
    .execute(async (trx) => {
      // The claim as workers run it: the body of tds_queue_step under its planner settings (as
      // explainClaim prepares it), explained with BUFFERS for the pages it touches.
      const body = await sql<{ body: string }>`SELECT prosrc AS body FROM pg_proc WHERE proname = 'tds_queue_step'`.execute(trx);
      await useClaimPlan(trx);
      const name = sql.id(`bench_claim_${randomBytes(4).toString('hex')}`);
      await sql`PREPARE ${name}(bigint[], text, integer, float8) AS ${sql.raw(body.rows[0]!.body)}`.execute(trx);
      const { rows } = await sql<{ 'QUERY PLAN': Array<{ Plan: Record<string, number> }> }>`
        EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE ${name}('{}', 'bench', ${sql.lit(batch)}, 60)`.execute(trx);
      const plan = rows[0]['QUERY PLAN'][0].Plan;
      pages = (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0);
      throw rollback;
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  return pages;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const probe = await createTestDatabase({ migrate: false });
  const { rows } = await sql<{ version: string }>`SELECT version()`.execute(probe.db);
  await probe.close();
  console.log(`TDS queue benchmark: ${process.env.DATABASE_URL ? 'DATABASE_URL server' : 'embedded PostgreSQL (fsync off)'}, ${rows[0].version.split(' on ')[0]}`);
  console.log(`${availableParallelism()} cores, Node ${process.version}, ${workers} workers, no-op handler, first ${fmt(sample)} items processed per run, median of ${repeat}\n`);
  const results: Row[] = [];
  for (const depth of depths) {
    for (const batch of batches) {
      const row: Row = { depth, batch, runs: [] };
      for (let i = 0; i < repeat; i++) {
        const run = await scenario(depth, batch);
        row.runs.push(run);
        console.log(`  depth ${fmt(depth)}, batch ${batch}, run ${i + 1}: ${fmt(run.perSec)} items/s, claim reads ${run.claimPages} pages`);
      }
      results.push(row);
    }
  }
  console.log('\n| queued | batch | enqueue items/s | claim+complete items/s (median) | min – max | enqueue+claim+complete items/s | buffer pages per claim at that depth |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const enqueue = median(r.runs.map((x) => x.enqueuePerSec));
    const perSec = r.runs.map((x) => x.perSec);
    const process = median(perSec);
    const endToEnd = 1 / (1 / enqueue + 1 / process);
    const pages = median(r.runs.map((x) => x.claimPages));
    console.log(`| ${fmt(r.depth)} | ${r.batch} | ${fmt(enqueue)} | ${fmt(process)} | ${fmt(Math.min(...perSec))} – ${fmt(Math.max(...perSec))} | ${fmt(endToEnd)} | ${fmt(pages)} |`);
  }
}

await main();
