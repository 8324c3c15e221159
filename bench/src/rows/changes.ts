// Row 7 of `pnpm bench`: what the change feed costs and how fast it tells (docs/change-feed.md).
// 1. The apply row's work (full item records from the queue, 2 workers, the real products handler)
//    with the feed's triggers enabled and disabled, alternately, median of 3 runs each.
// 2. The delay from a writer's COMMIT to a subscriber's handler (core.changes.subscribe, woken by
//    LISTEN) with product updates committed open-loop at 200/s.
// 3. The same applies in one database with the triggers switched on and off every 100 records.
// Run alone: pnpm bench changes [--items=5000] [--runs=3] [--rate=200] [--seconds=15].
import { createZohoClient } from '@tsh/zoho-client';
import { createDatabase, migrate } from '@tsh/tds-core';
import { applyProduct, createApplyContext, createSyncHandlers, parseWebhookRecord, createWorkerPool, enqueueMany, listConsumers, subscribeChanges, type EnqueueInput } from '@tsh/tds-core/internal';
import { startZohoSandbox } from '@tsh/zoho-sandbox';
import { createScratchDatabase } from '../lib/scratch-database';
import { fmt, option, percentile, reportRow, sleep } from '../lib/row-result';

const ITEMS = option('items', 'BENCH_CHANGES_ITEMS', 5000);
const RATE = option('rate', 'BENCH_CHANGES_RATE', 200);
const SECONDS = option('seconds', 'BENCH_CHANGES_SECONDS', 15);
const RUNS = option('runs', 'BENCH_CHANGES_RUNS', 3);
const WORKERS = 2;
const FEED_TABLES = ['products', 'categories', 'customers', 'invoices', 'invoice_lines', 'bills', 'bill_lines', 'stock_levels', 'price_lists', 'price_list_items'];

/**
 * Switches the feed's own triggers (tds_changes_<table>_inserted/updated/deleted, migration 0010).
 * Only those: DISABLE TRIGGER USER would also switch off the products trigger that keeps the seed's
 * sync_status (migration 0011), whose work would then be counted as the feed's.
 */
function switchFeed(on: boolean): string {
  const action = on ? 'ENABLE' : 'DISABLE';
  return FEED_TABLES.flatMap((table) => ['inserted', 'updated', 'deleted'].map((event) => `ALTER TABLE ${table} ${action} TRIGGER tds_changes_${table}_${event}`)).join(';\n');
}

async function fetchRawItems(): Promise<Record<string, unknown>[]> {
  const sandbox = await startZohoSandbox({ seed: 'bench-changes', items: ITEMS, customers: 2, vendors: 1, invoices: 1, bills: 1, requestsPerMinute: 1_000_000, maxConcurrent: 100, dailyLimit: 1_000_000 });
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

/** Upserts per second for the records applied from the queue into a fresh database, feed on or off. */
async function applyRate(items: Record<string, unknown>[], feed: boolean): Promise<{ rate: number; changes: number }> {
  const scratch = await createScratchDatabase(`changes-${feed ? 'on' : 'off'}`);
  const database = await createDatabase({ url: scratch.url, maxConnections: 10, applicationName: 'bench-changes' });
  try {
    await migrate(database.db);
    if (!feed) await database.pool.query(switchFeed(false));
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
    const zoho = createZohoClient({ organizationId: '1', credentials: { clientId: 'x', clientSecret: 'x', refreshToken: 'x' }, apiUrl: 'http://127.0.0.1:9', accountsUrl: 'http://127.0.0.1:9' });
    const pool = createWorkerPool({ db: database.db, pool: database.pool, handlers: createSyncHandlers({ db: database.db, zoho }), concurrency: WORKERS, leaseSeconds: 120 });
    const started = performance.now();
    await pool.start();
    for (;;) {
      const { rows } = await database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM tds_sync_queue WHERE status IN ('pending', 'processing')`);
      if (rows[0]!.n === 0) break;
      await sleep(50);
    }
    const seconds = (performance.now() - started) / 1000;
    await pool.stop();
    const { rows } = await database.pool.query<{ n: number; changes: number }>(`SELECT (SELECT count(*)::int FROM products) AS n, (SELECT count(*)::int FROM tds_changes) AS changes`);
    if (rows[0]!.n !== items.length) throw new Error(`${rows[0]!.n} products stored for ${items.length} records`);
    return { rate: items.length / seconds, changes: rows[0]!.changes };
  } finally {
    await database.close();
    await scratch.drop();
  }
}

/**
 * The same applies in one database, the feed's triggers switched on and off every block of
 * BLOCK records (on, off, off, on, …), 2 loops applying at once: both states see the same load
 * drift, which a busy shared machine has plenty of. Returns records/s with the feed on and off.
 */
async function interleavedRates(items: Record<string, unknown>[]): Promise<{ on: number; off: number }> {
  const scratch = await createScratchDatabase('changes-interleaved');
  const database = await createDatabase({ url: scratch.url, maxConnections: 10, applicationName: 'bench-changes-interleaved' });
  const BLOCK = 100;
  const spent = { on: 0, off: 0 };
  const count = { on: 0, off: 0 };
  try {
    await migrate(database.db);
    const ctx = createApplyContext();
    for (let start = 0, block = 0; start < items.length; start += BLOCK, block++) {
      const feed = block % 4 === 0 || block % 4 === 3;
      await database.pool.query(switchFeed(feed));
      const slice = items.slice(start, start + BLOCK).map((raw) => parseWebhookRecord('item', raw));
      const t0 = performance.now();
      await Promise.all([0, 1].map(async (lane) => {
        for (let i = lane; i < slice.length; i += 2) await applyProduct(database.db, slice[i]!, ctx);
      }));
      spent[feed ? 'on' : 'off'] += performance.now() - t0;
      count[feed ? 'on' : 'off'] += slice.length;
    }
    return { on: (count.on / spent.on) * 1000, off: (count.off / spent.off) * 1000 };
  } finally {
    await database.close();
    await scratch.drop();
  }
}

/** Commit → handler delays (ms) of product updates committed open-loop at RATE per second. */
async function handlerDelays(): Promise<{ delays: number[]; late: number }> {
  const scratch = await createScratchDatabase('changes-delay');
  const database = await createDatabase({ url: scratch.url, maxConnections: 10, applicationName: 'bench-changes-delay' });
  const total = RATE * SECONDS;
  try {
    await migrate(database.db);
    await database.pool.query(`INSERT INTO products (zoho_item_id, name) SELECT 'delay-' || g, 'p' FROM generate_series(1, ${total}) g`);
    const committedAt = new Map<string, number>();
    const delays: number[] = [];
    const subscription = subscribeChanges({ db: database.db, pool: database.pool }, { consumer: 'bench', batchSize: 1000, pollIntervalMs: 1000 }, (changes) => {
      const now = performance.now();
      for (const change of changes) {
        const at = committedAt.get(change.zoho_id);
        if (at !== undefined) delays.push(now - at);
      }
    });
    // Let the subscriber catch up with the seeding inserts first.
    while ((await listConsumers(database.db)).find((c) => c.name === 'bench')?.lag !== 0) await sleep(100);
    const started = performance.now();
    const writes: Promise<void>[] = [];
    for (let i = 1; i <= total; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const id = `delay-${i}`;
      writes.push(
        database.pool.query(`UPDATE products SET name = 'renamed' WHERE zoho_item_id = $1`, [id]).then(() => {
          committedAt.set(id, performance.now());
        }),
      );
    }
    await Promise.all(writes);
    const deadline = performance.now() + 30_000;
    while (delays.length < total && performance.now() < deadline) await sleep(50);
    await subscription.stop();
    return { delays: delays.sort((a, b) => a - b), late: total - delays.length };
  } finally {
    await database.close();
    await scratch.drop();
  }
}

console.log(`changes: ${fmt(ITEMS)} full item records applied by ${WORKERS} workers with the feed on and off (${RUNS} runs each), then ${RATE} changes/s for ${SECONDS} s to a subscriber`);
const items = await fetchRawItems();
const on: number[] = [];
const off: number[] = [];
let feedRows = 0;
for (let run = 0; run < RUNS; run++) {
  off.push((await applyRate(items, false)).rate);
  const withFeed = await applyRate(items, true);
  on.push(withFeed.rate);
  feedRows = withFeed.changes;
  console.log(`  run ${run + 1}: feed off ${fmt(off[run]!)} upserts/s, on ${fmt(on[run]!)} upserts/s`);
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rateOn = median(on);
const rateOff = median(off);
const cost = 1 - rateOn / rateOff;
console.log(`  median: off ${fmt(rateOff)}, on ${fmt(rateOn)} upserts/s (cost ${(cost * 100).toFixed(1)} %), ${fmt(feedRows)} feed rows per run`);
const interleaved = await interleavedRates(items);
const interleavedCost = 1 - interleaved.on / interleaved.off;
console.log(`  interleaved blocks: off ${fmt(interleaved.off)}, on ${fmt(interleaved.on)} applies/s (cost ${(interleavedCost * 100).toFixed(1)} %)`);
const { delays, late } = await handlerDelays();
const p50 = percentile(delays, 50);
const p99 = percentile(delays, 99);
console.log(`  commit → handler at ${RATE}/s: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${delays.at(-1)?.toFixed(1)} ms${late > 0 ? `, ${late} not delivered within 30 s` : ''}`);

reportRow({
  row: 'changes',
  lines: [
    {
      benchmark: `Change feed: apply rate with the feed on vs off (${fmt(ITEMS)} full records, ${WORKERS} workers, median of ${RUNS})`,
      tds: `${fmt(rateOn)} upserts/s (feed on)`,
      reference: `feed off: ${fmt(rateOff)} upserts/s`,
      ratio: `${(rateOn / rateOff).toFixed(2)}×`,
      goal: 'cost < 15 % (≥ 0.85×)',
      met: rateOn / rateOff >= 0.85,
    },
    {
      benchmark: `Change feed: applies with the feed on vs off in alternating blocks of 100 (${fmt(ITEMS)} records, 2 loops, one database)`,
      tds: `${fmt(interleaved.on)} applies/s (feed on)`,
      reference: `feed off: ${fmt(interleaved.off)} applies/s`,
      ratio: `${(interleaved.on / interleaved.off).toFixed(2)}×`,
      goal: 'cost < 15 % (≥ 0.85×)',
      met: interleaved.on / interleaved.off >= 0.85,
    },
    {
      benchmark: `Change feed: commit → subscriber handler, ${RATE} changes/s (open loop)`,
      tds: `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
      reference: '',
      ratio: '',
      goal: '',
      ...(late > 0 ? { met: false } : {}),
    },
  ],
  notes: [
    `Change feed: the apply row's work (${fmt(ITEMS)} sandbox items with stock per location, enqueued as webhook items, ${WORKERS} workers, a fresh database per run) with the feed's statement-level triggers enabled, and disabled (ALTER TABLE … DISABLE TRIGGER of the tds_changes_* triggers only; the seed's sync_status trigger stays on in both), alternately, ${RUNS} runs each (median; ${fmt(feedRows)} feed rows per run with the feed on). ` +
      `The delay: ${fmt(RATE * SECONDS)} product updates committed one per transaction at ${RATE}/s for ${SECONDS} s from this process, a subscriber (core.changes.subscribe, LISTEN plus 1 s polling, batches of up to 1 000) in the same process; the delay runs from the writer's COMMIT returning to the handler receiving the change, so it covers the NOTIFY, numbering the committed rows (the sequencer), the read and the cursor lock. Max ${delays.at(-1)?.toFixed(1)} ms${late > 0 ? `; ${late} changes not delivered within 30 s` : ''}.`,
  ],
});
