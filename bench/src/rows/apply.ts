// Row 2 of `pnpm bench`: end-to-end product upserts per second from the queue — full item records
// (as a webhook carries them) enqueued, then claimed by 2 workers and applied by the real products
// handler (transform + version-guarded upsert, stock per location, category) — beside
// `pgbench -N` (2 clients) on the same server in the same run.
// Run alone: pnpm bench apply [--items=10000] [--pgbench-seconds=15] [--batch-size=N] (default: the
// worker pool's own default, as tds serve and tds worker run it).
import { createZohoClient } from '@tsh/zoho-client';
import { createDatabase, migrate } from '@tsh/tds-core';
import { createSyncHandlers, createWorkerPool, DEFAULT_WORKER_BATCH_SIZE, enqueueMany, type EnqueueInput } from '@tsh/tds-core/internal';
import { startZohoSandbox } from '@tsh/zoho-sandbox';
import { pgbenchTps } from '../lib/pgbench';
import { untilQueueIdle } from '../lib/queue-idle';
import { createScratchDatabase } from '../lib/scratch-database';
import { fmt, option, ratio, reportRow } from '../lib/row-result';

const ITEMS = option('items', 'BENCH_APPLY_ITEMS', 10_000);
const PGBENCH_SECONDS = option('pgbench-seconds', 'BENCH_PGBENCH_SECONDS', 10);
const WORKERS = 2;
const PAIRS = option('pairs', 'BENCH_APPLY_PAIRS', 3);
const WARM_UP = option('warm-up', 'BENCH_APPLY_WARM_UP', ITEMS);
const BATCH_SIZE = option('batch-size', 'BENCH_APPLY_BATCH_SIZE', DEFAULT_WORKER_BATCH_SIZE);

/** Raw item records exactly as Zoho's itemdetails returns them (what an item webhook carries). */
async function fetchRawItems(): Promise<Record<string, unknown>[]> {
  const sandbox = await startZohoSandbox({ seed: 'bench-apply', items: ITEMS, customers: 2, vendors: 1, invoices: 1, bills: 1, requestsPerMinute: 1_000_000, maxConcurrent: 100, dailyLimit: 1_000_000 });
  try {
    const zoho = createZohoClient({ organizationId: sandbox.organizationId, credentials: sandbox.credentials, accountsUrl: sandbox.accountsUrl, apiUrl: sandbox.apiUrl, requestsPerMinute: 1_000_000 });
    const ids = sandbox.store.idsOf('item');
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const envelope = await zoho.request('GET', 'inventory', '/itemdetails', { query: { item_ids: ids.slice(i, i + 100).join(',') } });
      items.push(...((envelope as { items: Record<string, unknown>[] }).items ?? []));
    }
    return items;
  } finally {
    await sandbox.close();
  }
}

async function applyRun(items: Record<string, unknown>[]): Promise<{ seconds: number; stored: number }> {
  const scratch = await createScratchDatabase('apply');
  const database = await createDatabase({ url: scratch.url, maxConnections: 10, applicationName: 'bench-apply' });
  try {
    await migrate(database.db);
    for (let i = 0; i < items.length; i += 1000) {
      const events: EnqueueInput[] = items.slice(i, i + 1000).map((item) => ({
        entity_type: 'products',
        zoho_id: String(item.item_id),
        payload: item,
        zoho_last_modified_time: String(item.last_modified_time),
        source: 'webhook',
      }));
      await enqueueMany(database.db, events);
    }
    // The handler never calls Zoho for records carried whole; the client only has to exist.
    const zoho = createZohoClient({ organizationId: '1', credentials: { clientId: 'x', clientSecret: 'x', refreshToken: 'x' }, apiUrl: 'http://127.0.0.1:9', accountsUrl: 'http://127.0.0.1:9' });
    const pool = createWorkerPool({ db: database.db, pool: database.pool, handlers: createSyncHandlers({ db: database.db, zoho }), concurrency: WORKERS, leaseSeconds: 120, batchSize: BATCH_SIZE });
    // The run is timed by the database's clock, from just before the workers start to the completion
    // of the last item, so the time between polls is not counted.
    const { rows: [start] } = await database.pool.query<{ at: Date }>(`SELECT clock_timestamp() AS at`);
    await pool.start();
    await untilQueueIdle(database.pool);
    await pool.stop();
    const { rows: [end] } = await database.pool.query<{ seconds: number }>(
      `SELECT extract(epoch FROM max(completed_at) - $1::timestamptz)::float8 AS seconds FROM tds_sync_queue WHERE status = 'completed'`,
      [start!.at],
    );
    const seconds = end!.seconds;
    const { rows } = await database.pool.query<{ n: number; failed: number }>(
      `SELECT (SELECT count(*)::int FROM products) AS n, (SELECT count(*)::int FROM tds_dead_letter_queue) AS failed`,
    );
    if (rows[0]!.failed > 0) throw new Error(`${rows[0]!.failed} items went to the dead-letter queue`);
    return { seconds, stored: rows[0]!.n };
  } finally {
    await database.close();
    await scratch.drop();
  }
}

console.log(`apply: ${fmt(ITEMS)} full item records from the sandbox, enqueued, then applied by ${WORKERS} workers with the products handler; ${PAIRS} pairs of runs, TDS then pgbench, after a ${fmt(WARM_UP)}-item warm-up`);
const items = await fetchRawItems();
// A warm-up run, not counted (as in the queue row): the first runs of a process pay for compiling
// the apply path, which a long-running worker pays once; pgbench is compiled C. After a warm-up of
// 2 000 items the three counted runs still sped up one after the other (5 160, 5 898, 6 510/s);
// after a whole run's worth they no longer do (docs/apply-batches.md).
const warm = await applyRun(items.slice(0, WARM_UP));
console.log(`  warm-up: ${fmt(warm.stored)} upserts in ${warm.seconds.toFixed(2)} s, not counted`);
// TDS and pgbench alternate, so a load that comes or goes during the row falls on both sides; each
// side reports its median run.
const rates: number[] = [];
const tpsRuns: number[] = [];
let pgbenchError: string | null = null;
for (let pair = 1; pair <= PAIRS; pair++) {
  const applied = await applyRun(items);
  if (applied.stored !== items.length) throw new Error(`${applied.stored} products stored for ${items.length} records`);
  rates.push(items.length / applied.seconds);
  console.log(`  TDS (${pair}/${PAIRS}): ${fmt(items.length)} upserts in ${applied.seconds.toFixed(2)} s (${fmt(rates.at(-1)!)}/s)`);
  const reference = await pgbenchTps(WORKERS, PGBENCH_SECONDS);
  if ('tps' in reference) {
    tpsRuns.push(reference.tps);
    console.log(`  pgbench -N (${pair}/${PAIRS}): ${fmt(reference.tps)} TPS`);
  } else {
    pgbenchError = reference.error;
    console.log(`  pgbench: ${reference.error}`);
    break;
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const upserts = median(rates);
const reference: { tps: number } | { error: string } = pgbenchError === null ? { tps: median(tpsRuns) } : { error: pgbenchError };

reportRow({
  row: 'apply',
  lines: [
    {
      benchmark: `Apply: product upserts from the queue (${fmt(items.length)} full records, ${WORKERS} workers)`,
      tds: `${fmt(upserts)} upserts/s (median of ${rates.length}: ${rates.map((r) => fmt(r)).join(', ')})`,
      reference: 'tps' in reference ? `pgbench -N, ${WORKERS} clients: ${fmt(reference.tps)} TPS (median of ${tpsRuns.length}: ${tpsRuns.map((r) => fmt(r)).join(', ')})` : `pgbench: ${reference.error}`,
      ratio: 'tps' in reference ? ratio(upserts, reference.tps) : '',
      // Issue 19's target (docs/apply-batches.md).
      goal: '≥ 1.5×',
      met: 'tps' in reference ? upserts >= 1.5 * reference.tps : undefined,
    },
  ],
  notes: [
    `Apply: ${fmt(items.length)} items rendered by the sandbox (itemdetails, so with stock per location and custom fields) were enqueued as webhook items in a fresh database; the database's clock runs from starting ${WORKERS} workers (createWorkerPool + createSyncHandlers, batches of ${BATCH_SIZE}) to the completion of the last item. ` +
      `Each claimed batch of products is applied in one transaction with a fixed number of set-based statements (docs/apply-batches.md): transform, categories, the version-guarded upsert of the products, their price links and the replacement of their stock rows; a bad record goes to the dead-letter queue alone. ` +
      `Beside it, pgbench -N (its TPC-B-like script without the branch and teller updates: an UPDATE, a SELECT and an INSERT per transaction) with ${WORKERS} clients for ${PGBENCH_SECONDS} s on a scale-10 scratch database of the same server, right after each TDS run. ${PAIRS} such pairs; each side's figure is its median run, the ratio is of the two medians. A ${fmt(WARM_UP)}-item apply run in a database of its own comes first and is not counted.`,
  ],
});
