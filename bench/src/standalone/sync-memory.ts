/**
 * Benchmark (not a test): heap use while a full products sync walks 50 000 items from the sandbox.
 *
 *   pnpm bench:sync                      # 50 000 items
 *   BENCH_ITEMS=10000 pnpm bench:sync    # smaller
 *
 * The sandbox runs in a child process so its catalogue is not in the measured heap. The database
 * is DATABASE_URL (a throwaway database is created and dropped) or an embedded PostgreSQL.
 * Heap is sampled after a forced GC every 10 pages and printed with the trend per 10 000 records.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { createZohoClient } from '@tsh/zoho-client';
import { startZohoSandbox } from '@tsh/zoho-sandbox';
import { syncEntity, type SyncProgressEvent } from '@tsh/tds-core/internal';
import { createTestDatabase } from '@tsh/test-utils';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 50_000);
const SAMPLE_EVERY_PAGES = 10;

interface SandboxInfo {
  apiUrl: string;
  accountsUrl: string;
  organizationId: string;
  credentials: { clientId: string; clientSecret: string; refreshToken: string };
}

async function serveSandbox(items: number): Promise<void> {
  const sandbox = await startZohoSandbox({
    seed: 'bench-sync-memory',
    items,
    customers: 5,
    vendors: 2,
    invoices: 5,
    bills: 2,
    requestsPerMinute: 1_000_000,
    maxConcurrent: 100,
    dailyLimit: 1_000_000,
  });
  const info: SandboxInfo = { apiUrl: sandbox.apiUrl, accountsUrl: sandbox.accountsUrl, organizationId: sandbox.organizationId, credentials: sandbox.credentials };
  process.stdout.write(`${JSON.stringify(info)}\n`);
  process.on('SIGTERM', () => void sandbox.close().then(() => process.exit(0)));
}

function startSandboxProcess(items: number): Promise<{ child: ChildProcess; info: SandboxInfo }> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--serve-sandbox', String(items)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve({ child, info: JSON.parse(line) as SandboxInfo }));
    child.once('exit', (code) => reject(new Error(`sandbox process exited with ${code}`)));
  });
}

function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** Least-squares slope of heap (bytes) against records: the growth a sync leaves behind per record. */
function slope(samples: Array<{ records: number; heap: number }>): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((s, p) => s + p.records, 0) / n;
  const my = samples.reduce((s, p) => s + p.heap, 0) / n;
  const num = samples.reduce((s, p) => s + (p.records - mx) * (p.heap - my), 0);
  const den = samples.reduce((s, p) => s + (p.records - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function main(): Promise<void> {
  const gc = collectGarbage();
  console.log(`sync-memory: full products sync of ${ITEMS} items from the sandbox (child process), heap sampled after GC every ${SAMPLE_EVERY_PAGES} pages`);
  const started = Date.now();
  const { child, info } = await startSandboxProcess(ITEMS);
  console.log(`sandbox ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const database = await createTestDatabase({ maxConnections: 12 });
  const zoho = createZohoClient({ ...info, requestsPerMinute: 1_000_000, maxConcurrent: 10 });
  const samples: Array<{ pages: number; records: number; heap: number; rss: number; seconds: number }> = [];
  const sample = (p: Pick<SyncProgressEvent, 'pages' | 'records'>) => {
    gc();
    const { heapUsed, rss } = process.memoryUsage();
    const row = { pages: p.pages, records: p.records, heap: heapUsed, rss, seconds: (Date.now() - syncStart) / 1000 };
    samples.push(row);
    console.log(`  page ${String(row.pages).padStart(4)}  records ${String(row.records).padStart(6)}  heap ${mb(row.heap).padStart(6)} MB  rss ${mb(row.rss).padStart(6)} MB  ${row.seconds.toFixed(1)} s`);
  };
  let syncStart = Date.now();
  try {
    sample({ pages: 0, records: 0 });
    syncStart = Date.now();
    const result = await syncEntity({ db: database.db, zoho }, 'products', {
      mode: 'full',
      onProgress: (p) => {
        if (p.phase === 'fetching' && p.pages > 0 && p.pages % SAMPLE_EVERY_PAGES === 0) sample(p);
      },
    });
    sample({ pages: result.counts.pages, records: result.counts.fetched });
    const seconds = (result.finishedAt.getTime() - result.startedAt.getTime()) / 1000;
    const stored = await database.db.selectFrom('products').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    console.log(`\nstatus ${result.status}${result.error ? ` (${result.error})` : ''}: ${result.counts.fetched} fetched, ${result.counts.inserted} inserted, ${stored.n} rows, ${result.counts.pages} pages, ${result.counts.requestsUsed} requests, ${seconds.toFixed(1)} s (${Math.round(result.counts.fetched / seconds)} records/s)`);
    const warm = samples.filter((s) => s.pages >= SAMPLE_EVERY_PAGES);
    const steady = warm.length > 0 ? warm : samples;
    const heaps = steady.map((s) => s.heap);
    console.log(`heap after GC${warm.length > 0 ? ` from page ${SAMPLE_EVERY_PAGES} on` : ""}: min ${mb(Math.min(...heaps))} MB, max ${mb(Math.max(...heaps))} MB, last ${mb(heaps.at(-1) ?? 0)} MB`);
    console.log(`trend: ${(slope(steady) * 10_000 / 1024).toFixed(1)} KB per 10 000 records`);
  } finally {
    await database.close();
    child.kill('SIGTERM');
  }
}

if (process.argv[2] === '--serve-sandbox') {
  void serveSandbox(Number(process.argv[3]));
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
