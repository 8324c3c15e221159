// Row 8 of `pnpm bench`: `tds verify` of 20 000 items (products, their stock per location, the
// price books behind their consumer / wholesale prices) against the sandbox at Zoho's 100
// requests per minute, with the window shortened tenfold as in the budget row. The database is
// filled first by a full sync from an unlimited twin sandbox (same seed: the same catalogue); the
// verify runs in a child process of its own (what is measured). Run alone: pnpm bench verify [--items=20000].
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createZohoClient } from '@tsh/zoho-client';
import { createDatabase, migrate } from '@tsh/tds-core';
import { syncEntity } from '@tsh/tds-core/internal';
import { startZohoSandbox } from '@tsh/zoho-sandbox';
import { createScratchDatabase } from '../lib/scratch-database';
import { fmt, option, reportRow } from '../lib/row-result';

const ITEMS = option('items', 'BENCH_VERIFY_ITEMS', 20_000);
const SCALE = 10;
const LIMIT_PER_MINUTE = 100;
const WINDOW_MS = 60_000 / SCALE;
const LIMIT = LIMIT_PER_MINUTE / SCALE;
const PRICEBOOKS = 4;
const here = dirname(fileURLToPath(import.meta.url));
const MiB = 2 ** 20;

const catalogue = { seed: 'bench-verify', items: ITEMS, customers: 2, vendors: 1, invoices: 1, bills: 1, pricebooks: PRICEBOOKS, dailyLimit: 1_000_000 };
console.log(`verify: ${fmt(ITEMS)} items against the sandbox at ${LIMIT} requests per ${WINDOW_MS / 1000} s (Zoho's ${LIMIT_PER_MINUTE}/min, window ÷ ${SCALE})`);
const [source, limited] = await Promise.all([
  startZohoSandbox({ ...catalogue, requestsPerMinute: 1_000_000, maxConcurrent: 50 }),
  startZohoSandbox({ ...catalogue, requestsPerMinute: LIMIT, rateWindowMs: WINDOW_MS, maxConcurrent: 10 }),
]);
const scratch = await createScratchDatabase('verify');
try {
  const database = await createDatabase({ url: scratch.url, maxConnections: 10, applicationName: 'bench-verify' });
  try {
    await migrate(database.db);
    const zoho = createZohoClient({ organizationId: source.organizationId, credentials: source.credentials, accountsUrl: source.accountsUrl, apiUrl: source.apiUrl, requestsPerMinute: 1_000_000, maxConcurrent: 10 });
    for (const entity of ['pricelists', 'products'] as const) {
      const result = await syncEntity({ db: database.db, zoho }, entity, { mode: 'full' });
      if (result.status !== 'succeeded') throw new Error(`the ${entity} sync ${result.status}: ${result.error}`);
    }
  } finally {
    await database.close();
  }
  console.log(`  database filled by a full sync; verifying in a child process`);
  limited.resetStats();
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(here, 'verify-run.ts')], {
    cwd: join(here, '..', '..'),
    env: {
      ...process.env,
      BENCH_DATABASE_URL: scratch.url,
      BENCH_SANDBOX: JSON.stringify({ apiUrl: limited.apiUrl, accountsUrl: limited.accountsUrl, organizationId: limited.organizationId, credentials: limited.credentials }),
      BENCH_LIMIT: String(LIMIT),
      BENCH_WINDOW_MS: String(WINDOW_MS),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`verify-run exited with ${code} before answering`)));
  });
  const run = JSON.parse(line) as { ok: boolean; checked: Record<string, number>; differences: number; requests: number; seconds: number; rssBefore: number; peakRss: number };
  const stats = limited.stats();
  if (!run.ok || run.differences !== 0) throw new Error(`the verify found ${run.differences} differences on an unchanged copy`);
  if (run.checked.products !== ITEMS) throw new Error(`${run.checked.products} products checked for ${ITEMS} items`);

  const used = stats.apiRequests;
  const pages = Math.ceil(ITEMS / 200);
  const batches = Math.ceil(ITEMS / 100);
  const minimum = pages + batches + 1 + PRICEBOOKS;
  // The fastest any client could go: `used` requests at LIMIT per window.
  const floorSeconds = (used / LIMIT) * (WINDOW_MS / 1000);
  console.log(`  ${used} requests (minimum ${minimum}) in ${run.seconds.toFixed(1)} s (floor ${floorSeconds.toFixed(1)} s); 429s: ${stats.tooManyRequests}; peak RSS ${(run.peakRss / MiB).toFixed(0)} MiB`);

  reportRow({
    row: 'verify',
    lines: [
      {
        benchmark: `Verify: ${fmt(ITEMS)} items (products, stock, price books), requests used`,
        tds: `${fmt(used)} requests`,
        reference: `minimum ${fmt(minimum)} (${pages} pages + ${batches} itemdetails batches + price book list and ${PRICEBOOKS} books)`,
        ratio: `${(used / minimum).toFixed(3)}×`,
        goal: '≤ 1.02×',
        met: used <= minimum * 1.02,
      },
      {
        benchmark: `Verify: ${fmt(ITEMS)} items, time (limit 100 requests/min)`,
        tds: `${fmt(run.seconds * SCALE / 60, 1)} min at Zoho's window (${fmt(run.seconds, 1)} s here)`,
        reference: `rate-limit floor ${fmt(floorSeconds * SCALE / 60, 1)} min (requests ÷ limit)`,
        ratio: `${(run.seconds / floorSeconds).toFixed(3)}×`,
        goal: '≤ 1.05×',
        met: run.seconds <= floorSeconds * 1.05,
      },
      {
        benchmark: `Verify: ${fmt(ITEMS)} items, peak memory`,
        tds: `peak RSS ${fmt(run.peakRss / MiB)} MiB`,
        reference: `${fmt(run.rssBefore / MiB)} MiB before the verify started`,
        ratio: '',
        goal: '',
      },
    ],
    notes: [
      `Verify: runVerify of pricelists, products and stock (${fmt(run.checked.products)} products, ${fmt(run.checked.stock)} items' stock, ${fmt(run.checked.pricelists)} price books checked, no difference) in a child process started with Node's defaults, against a sandbox enforcing ${LIMIT} requests per ${WINDOW_MS} ms window (Zoho's ${LIMIT_PER_MINUTE}/min, window ÷ ${SCALE}), through TDS's PostgreSQL rate limiter with the same window and its margin scaled by the same factor. ` +
        `The database was filled before by a full sync from a twin sandbox of the same seed without a limit. The minimum is what a full sync reads: one list page per 200 items, one itemdetails call per 100 (products and stock share them), the price book list and each book's detail. ` +
        `The floor is the requests made divided by the limit; the time reported at Zoho's window is the measured time × ${SCALE}. 429s received: ${stats.tooManyRequests}. Peak RSS is getrusage maxrss of the verify process at the end (tsx and the TypeScript sources included).`,
    ],
  });
} finally {
  await scratch.drop();
  await Promise.all([source.close(), limited.close()]);
}
