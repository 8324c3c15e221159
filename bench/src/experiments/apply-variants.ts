// Scratch measurement (not a bench row): the apply row's run (products carried by queue items,
// 2 workers, the real handlers) on schema variants, interleaved. Run:
// node --conditions=source --import tsx src/experiments/apply-variants.ts [--items=3000] [--rounds=2] [--batch=50] [--only=a,b]
// Beside the rate, the CPU per product of this Node process and of the database's backends
// (utime + stime from /proc/<pid>/stat), so a variant's saving is seen even on a busy machine.
import { readFileSync } from 'node:fs';
import { createZohoClient } from '@tsh/zoho-client';
import { createDatabase, migrate } from '@tsh/tds-core';
import { createSyncHandlers, createWorkerPool, enqueueMany, type EnqueueInput } from '@tsh/tds-core/internal';
import { startZohoSandbox } from '@tsh/zoho-sandbox';
import { createScratchDatabase } from '../lib/scratch-database';
import { fmt, option, sleep } from '../lib/row-result';

const ITEMS = option('items', 'ITEMS', 3000);
const ROUNDS = option('rounds', 'ROUNDS', 2);
const BATCH = option('batch', 'BATCH', 50);
/** CPU seconds a process has used so far (user + system, USER_HZ 100), 0 once it is gone. */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
const VARIANTS: Record<string, string> = {
  baseline: '',
  // Measurements only: each takes a guarantee out.
  'no queue sync_status triggers': `DO $$ DECLARE r record; BEGIN FOR r IN SELECT tgname FROM pg_trigger WHERE tgrelid = 'tds_sync_queue'::regclass AND tgname LIKE 'tds_product_sync_status%' LOOP EXECUTE format('DROP TRIGGER %I ON tds_sync_queue', r.tgname); END LOOP; END $$`,
  'no products seed trigger': `DROP TRIGGER tds_products_seed_columns_insert ON products; DROP TRIGGER tds_products_seed_columns_update ON products`,
  'no change feed triggers': `DO $$ DECLARE r record; BEGIN FOR r IN SELECT tgrelid::regclass::text AS t, tgname FROM pg_trigger WHERE tgrelid IN ('products'::regclass, 'stock_levels'::regclass) AND tgname LIKE 'tds_change%' LOOP EXECUTE format('DROP TRIGGER %I ON %I', r.tgname, r.t); END LOOP; END $$`,
};
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');

const sandbox = await startZohoSandbox({ seed: 'bench-apply', items: ITEMS, customers: 2, vendors: 1, invoices: 1, bills: 1, requestsPerMinute: 1_000_000, maxConcurrent: 100, dailyLimit: 1_000_000 });
const zohoReal = createZohoClient({ organizationId: sandbox.organizationId, credentials: sandbox.credentials, accountsUrl: sandbox.accountsUrl, apiUrl: sandbox.apiUrl, requestsPerMinute: 1_000_000 });
const ids = sandbox.store.idsOf('item');
const items: Record<string, unknown>[] = [];
for (let i = 0; i < ids.length; i += 100) {
  const envelope = await zohoReal.request('GET', 'inventory', '/itemdetails', { query: { item_ids: ids.slice(i, i + 100).join(',') } });
  items.push(...((envelope as { items: Record<string, unknown>[] }).items ?? []));
}
await sandbox.close();

async function once(name: string, sqlText: string) {
  const scratch = await createScratchDatabase('applyvar');
  const database = await createDatabase({ url: scratch.url, maxConnections: 10, applicationName: 'applyvar' });
  try {
    await migrate(database.db);
    if (sqlText) await database.pool.query(sqlText);
    for (let i = 0; i < items.length; i += 1000) {
      const events: EnqueueInput[] = items.slice(i, i + 1000).map((item) => ({ entity_type: 'products', zoho_id: String(item.item_id), payload: item, zoho_last_modified_time: String(item.last_modified_time), source: 'webhook' }));
      await enqueueMany(database.db, events);
    }
    const zoho = createZohoClient({ organizationId: '1', credentials: { clientId: 'x', clientSecret: 'x', refreshToken: 'x' }, apiUrl: 'http://127.0.0.1:9', accountsUrl: 'http://127.0.0.1:9' });
    const pool = createWorkerPool({ db: database.db, pool: database.pool, handlers: createSyncHandlers({ db: database.db, zoho }), concurrency: 2, leaseSeconds: 120, batchSize: BATCH });
    const backends = async () =>
      (await database.pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)).rows.map((r) => r.pid);
    const before = new Map((await backends()).map((pid) => [pid, cpuSecondsOf(pid)]));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await pool.start();
    for (;;) {
      const { rows } = await database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM tds_sync_queue WHERE status IN ('pending', 'processing')`);
      if (rows[0]!.n === 0) break;
      await sleep(50);
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    let backendSeconds = 0;
    for (const pid of await backends()) backendSeconds += cpuSecondsOf(pid) - (before.get(pid) ?? 0);
    await pool.stop();
    const { rows } = await database.pool.query<{ n: number; dlq: number }>(`SELECT (SELECT count(*)::int FROM products) AS n, (SELECT count(*)::int FROM tds_dead_letter_queue) AS dlq`);
    const perProduct = (cpuSeconds: number) => ((cpuSeconds * 1e3) / rows[0]!.n).toFixed(3);
    console.log(
      `${name.padEnd(30)} ${fmt(rows[0]!.n / seconds).padStart(6)} products/s (${rows[0]!.n} stored, ${rows[0]!.dlq} dead letters, batches of ${BATCH}); ` +
        `CPU per product: Node ${perProduct((cpu.user + cpu.system) / 1e6)} ms, PostgreSQL ${perProduct(backendSeconds)} ms`,
    );
  } finally {
    await database.close();
    await scratch.drop();
  }
}

for (let r = 0; r < ROUNDS; r++) for (const [name, sqlText] of Object.entries(VARIANTS)) if (!only || only.includes(name)) await once(name, sqlText);
