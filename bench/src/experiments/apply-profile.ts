// Scratch measurement (not a bench row): where the apply row's time goes (docs/apply-batches.md).
// The apply row's run (products carried by queue items, 2 workers, the real handlers) in a fresh
// database with track_functions = 'pl' on that database only; every statement a worker sends is
// timed from Node (call to answer, so a wait for a lock counts), grouped by its first words.
// Prints round trips per batch, time per statement kind, time in PL/pgSQL functions, row versions
// written per table. Run (add --cpu-prof before --import for a Node profile):
// node --conditions=source --import tsx src/experiments/apply-profile.ts [--items=3000] [--batch=50]
// Also prints the CPU time (utime + stime from /proc/<pid>/stat) of this Node process and of the
// database's backends over the run, per applied product: which side the apply's CPU goes to.
import { readFileSync } from 'node:fs';
import { createZohoClient } from '@tsh/zoho-client';
import { createDatabase, migrate } from '@tsh/tds-core';
import { createSyncHandlers, createWorkerPool, enqueueMany, type EnqueueInput } from '@tsh/tds-core/internal';
import { startZohoSandbox } from '@tsh/zoho-sandbox';
import pg from 'pg';
import { createScratchDatabase } from '../lib/scratch-database';
import { fmt, option, sleep } from '../lib/row-result';

const ITEMS = option('items', 'ITEMS', 3000);
const BATCH = option('batch', 'BATCH', 50);
const TICKS_PER_SECOND = 100; // USER_HZ on Linux
/** CPU seconds a process has used so far (user + system), 0 once it is gone. */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}
// --sql=<statements>: run on the migrated database before the items are enqueued (a schema variant).
const variant = process.argv.find((a) => a.startsWith('--sql='))?.slice(6);
// --explain: auto_explain (analyze, triggers, nested statements) on the workers' connections, plans sent back as notices; prints the last plan of each statement kind (a later batch, caches warm).
const explain = process.argv.includes('--explain');
const plans = new Map<string, string>();
const sandbox = await startZohoSandbox({ seed: 'bench-apply', items: ITEMS, customers: 2, vendors: 1, invoices: 1, bills: 1, requestsPerMinute: 1_000_000, maxConcurrent: 100, dailyLimit: 1_000_000 });
const zohoReal = createZohoClient({ organizationId: sandbox.organizationId, credentials: sandbox.credentials, accountsUrl: sandbox.accountsUrl, apiUrl: sandbox.apiUrl, requestsPerMinute: 1_000_000 });
const ids = sandbox.store.idsOf('item');
const items: Record<string, unknown>[] = [];
for (let i = 0; i < ids.length; i += 100) {
  const envelope = await zohoReal.request('GET', 'inventory', '/itemdetails', { query: { item_ids: ids.slice(i, i + 100).join(',') } });
  items.push(...((envelope as { items: Record<string, unknown>[] }).items ?? []));
}
await sandbox.close();

const scratch = await createScratchDatabase('applyprof');
const admin = new pg.Client({ connectionString: scratch.url });
await admin.connect();
await admin.query(`ALTER DATABASE ${scratch.name} SET track_functions = 'pl'`);
await admin.end();
const database = await createDatabase({ url: scratch.url, maxConnections: 10, applicationName: 'applyprof' });
const spent = new Map<string, { n: number; ms: number }>();
let timing = false;
const kindOf = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 70);
database.pool.on('connect', (client: pg.PoolClient) => {
  if (explain) {
    client.on('notice', (n) => {
      const message = n.message ?? '';
      const kind = kindOf(message.replace(/^duration: [\d.]+ ms\s+plan:\s*Query Text:\s*/, ''));
      plans.set(kind, message);
    });
    void client.query(`LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on; SET auto_explain.log_timing = on; SET auto_explain.log_triggers = on; SET auto_explain.log_nested_statements = on; SET client_min_messages = log`).catch(() => {});
  }
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
    const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string }).text ?? '?');
    const t0 = performance.now();
    const result = query(...args);
    if (timing && result instanceof Promise) {
      void result.finally(() => {
        const entry = spent.get(kindOf(text)) ?? { n: 0, ms: 0 };
        entry.n++;
        entry.ms += performance.now() - t0;
        spent.set(kindOf(text), entry);
      }).catch(() => {});
    }
    return result;
  };
});
try {
  await migrate(database.db);
  if (variant) await database.pool.query(variant);
  for (let i = 0; i < items.length; i += 1000) {
    const events: EnqueueInput[] = items.slice(i, i + 1000).map((item) => ({ entity_type: 'products', zoho_id: String(item.item_id), payload: item, zoho_last_modified_time: String(item.last_modified_time), source: 'webhook' }));
    await enqueueMany(database.db, events);
  }
  await database.pool.query('SELECT pg_stat_reset()');
  const zoho = createZohoClient({ organizationId: '1', credentials: { clientId: 'x', clientSecret: 'x', refreshToken: 'x' }, apiUrl: 'http://127.0.0.1:9', accountsUrl: 'http://127.0.0.1:9' });
  const pool = createWorkerPool({ db: database.db, pool: database.pool, handlers: createSyncHandlers({ db: database.db, zoho }), concurrency: 2, leaseSeconds: 120, batchSize: BATCH });
  // The workers' connections are opened by now for the enqueue; any opened later are read at the end only.
  const backendsOf = async () =>
    (await database.pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)).rows.map((r) => r.pid);
  const backendCpu0 = new Map((await backendsOf()).map((pid) => [pid, cpuSecondsOf(pid)]));
  timing = true;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await pool.start();
  for (;;) {
    const { rows } = await database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM tds_sync_queue WHERE status IN ('pending', 'processing')`);
    if (rows[0]!.n === 0) break;
    await sleep(50);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  let backendSeconds = 0;
  for (const pid of await backendsOf()) backendSeconds += cpuSecondsOf(pid) - (backendCpu0.get(pid) ?? 0);
  timing = false;
  await pool.stop();
  const nodeSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(`${fmt(items.length)} products in ${seconds.toFixed(1)} s (${fmt(items.length / seconds)}/s), batches of ${BATCH}; Node CPU ${nodeSeconds.toFixed(2)} s, backends CPU ${backendSeconds.toFixed(2)} s`);
  console.log(`per product: Node ${((nodeSeconds * 1e3) / items.length).toFixed(3)} ms, PostgreSQL ${((backendSeconds * 1e3) / items.length).toFixed(3)} ms CPU`);
  const sorted = [...spent.entries()].sort((a, b) => b[1].ms - a[1].ms);
  for (const [kind, { n, ms }] of sorted.slice(0, 25)) console.log(`${String(n).padStart(7)} × ${(ms / 1000).toFixed(2).padStart(7)} s  ${kind}`);
  if (explain) for (const plan of plans.values()) console.log(plan.slice(0, 8000), '\n');
  await sleep(600); // the statistics collector
  const { rows: functions } = await database.pool.query(`SELECT funcname, calls, round(total_time)::int AS total_ms, round(self_time)::int AS self_ms FROM pg_stat_user_functions ORDER BY total_time DESC LIMIT 15`);
  console.table(functions);
  const { rows: tables } = await database.pool.query(`SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del FROM pg_stat_user_tables WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 ORDER BY relname`);
  console.table(tables);
} finally {
  await database.close();
  await scratch.drop();
}
