// Row 6 of `pnpm bench`: peak resident memory of a full sync of 100 000 items by the built CLI
// (`tds sync pricelists --full`, then `tds sync products --full`, what a user runs), each in a
// process of its own; the sandbox in another. Run alone:
// pnpm bench memory [--items=100000].
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createDatabase } from '@tsh/tds-core';
import { sandboxEnvironment } from '@tsh/zoho-sandbox';
import { createScratchDatabase } from '../lib/scratch-database';
import { fmt, option, reportRow } from '../lib/row-result';

const ITEMS = option('items', 'BENCH_MEMORY_ITEMS', 100_000);
const here = dirname(fileURLToPath(import.meta.url));
const MiB = 2 ** 20;
const repoDir = join(here, '..', '..', '..');
const cliPath = join(repoDir, 'packages', 'adapter-cli', 'dist', 'cli.js');
const run = promisify(execFile);

function child(script: string, args: string[], env: NodeJS.ProcessEnv): { process: ChildProcess; firstLine: Promise<string> } {
  const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(here, script), ...args], {
    cwd: join(here, '..', '..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code} before answering`)));
  });
  return { process: proc, firstLine };
}

/** One built-CLI command in a process of its own, with the peak-RSS hook preloaded. */
async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; seconds: number; rssAtStart: number; peakRss: number }> {
  const rssFile = join(tmpdir(), `tds-bench-rss-${process.pid}-${args[0]}-${args[1] ?? ''}.json`);
  const started = performance.now();
  try {
    const { stdout } = await run(process.execPath, ['--import', join(here, 'report-peak-rss.mjs'), cliPath, ...args], {
      cwd: repoDir,
      env: { ...process.env, ...env, BENCH_RSS_FILE: rssFile, NODE_OPTIONS: '' },
      maxBuffer: 64 * MiB,
      timeout: 30 * 60_000,
    });
    const seconds = (performance.now() - started) / 1000;
    const { rssAtStart, peakRss } = JSON.parse(readFileSync(rssFile, 'utf8')) as { rssAtStart: number; peakRss: number };
    return { stdout, seconds, rssAtStart, peakRss };
  } finally {
    rmSync(rssFile, { force: true });
  }
}

console.log(`memory: full sync of ${fmt(ITEMS)} items by the built CLI (node ${relative(repoDir, cliPath)}), each command in a process of its own, sandbox in another`);
const builtAt = builtTimes();
const scratch = await createScratchDatabase('memory');
const sandbox = child('memory-sandbox.ts', [String(ITEMS)], {});
try {
  const info = JSON.parse(await sandbox.firstLine) as Parameters<typeof sandboxEnvironment>[0];
  const env = { ...sandboxEnvironment(info), DATABASE_URL: scratch.url, TDS_RATE_LIMIT_PER_MINUTE: '10000' };
  // The built CLI migrates, so the schema is the one the measured code was built with.
  await runCli(['migrate'], env);
  const books = await runCli(['sync', 'pricelists', '--full', '--json'], env);
  const items = await runCli(['sync', 'products', '--full', '--json'], env);
  const inserted = await countProducts(scratch.url);
  if (inserted !== ITEMS) throw new Error(`the sync stored ${inserted} products of ${ITEMS}: ${items.stdout.slice(0, 500)}`);
  const entries = await countPriceEntries(scratch.url);
  console.log(`  products: peak RSS ${(items.peakRss / MiB).toFixed(0)} MiB (${(items.rssAtStart / MiB).toFixed(0)} MiB for Node before the CLI loaded); ${fmt(inserted)} products in ${items.seconds.toFixed(0)} s`);
  console.log(`  price lists: peak RSS ${(books.peakRss / MiB).toFixed(0)} MiB; ${fmt(entries.books)} books, ${fmt(entries.entries)} entries (largest ${fmt(entries.largest)}) in ${books.seconds.toFixed(0)} s`);
  reportRow({
    row: 'memory',
    lines: [
      {
        benchmark: `Memory: full sync of ${fmt(ITEMS)} items (\`tds sync products --full\`), built CLI`,
        tds: `peak RSS ${fmt(items.peakRss / MiB)} MiB`,
        reference: `Node before the CLI loaded: ${fmt(items.rssAtStart / MiB)} MiB`,
        ratio: '',
        goal: '≤ 150 MiB',
        met: items.peakRss <= 150 * MiB,
      },
      {
        benchmark: `Memory: full sync of the price lists of ${fmt(ITEMS)} items (\`tds sync pricelists --full\`, largest book ${fmt(entries.largest)} entries), built CLI`,
        tds: `peak RSS ${fmt(books.peakRss / MiB)} MiB`,
        reference: `Node before the CLI loaded: ${fmt(books.rssAtStart / MiB)} MiB`,
        ratio: '',
        goal: '≤ 150 MiB',
        met: books.peakRss <= 150 * MiB,
      },
    ],
    notes: [
      `Memory: ${fmt(ITEMS)} sandbox items synced into an empty database by the built CLI (node ${relative(repoDir, cliPath)}, ${builtAt}) with no Node flags from the bench (\`tds sync\` sets its own small-heap flag: packages/adapter-cli/src/runtime/small-heap.ts), each command in a process of its own: ` +
        `\`tds migrate\`, then \`tds sync pricelists --full --json\` (${fmt(entries.books)} books, ${fmt(entries.entries)} entries, ${fmt(books.seconds)} s), then \`tds sync products --full --json\` (${fmt(inserted)} products, ${fmt(items.seconds)} s, ${fmt(inserted / items.seconds)} records/s). ` +
        `On an empty database \`tds sync products\` syncs the price lists first in the same process; they are run apart here so that each line is one entity's peak: the items pass holds one list page and its item details at a time, a price book's detail is one Zoho document with an entry per item it prices. ` +
        `Peak RSS is the process's getrusage maxrss at exit (everything it ever held, module code included), written by a preloaded plain-JavaScript hook (report-peak-rss.mjs), which also notes Node's own size before the CLI loaded. ` +
        `The sandbox ran in a process of its own (TDS_RATE_LIMIT_PER_MINUTE 10 000, the CLI's maximum; the sandbox unlimited), so no line counts its catalogue.`,
    ],
  });
} finally {
  sandbox.process.kill('SIGTERM');
  await scratch.drop();
}

/** When the CLI and the core it loads were built, and whether sources changed since. */
function builtTimes(): string {
  const cli = statSync(cliPath, { throwIfNoEntry: false });
  const core = statSync(join(repoDir, 'packages', 'tds-core', 'dist', 'index.js'), { throwIfNoEntry: false });
  if (!cli || !core) throw new Error('build the CLI first: pnpm build');
  return `CLI built ${cli.mtime.toISOString()}, tds-core ${core.mtime.toISOString()}`;
}

async function countPriceEntries(url: string): Promise<{ books: number; entries: number; largest: number }> {
  const database = await createDatabase({ url });
  try {
    const { rows } = await database.pool.query<{ books: number; entries: number; largest: number }>(
      `SELECT (SELECT count(*)::int FROM price_lists) AS books, count(*)::int AS entries,
              coalesce((SELECT max(n)::int FROM (SELECT count(*) AS n FROM price_list_items GROUP BY zoho_pricebook_id) b), 0) AS largest
       FROM price_list_items`,
    );
    return rows[0]!;
  } finally {
    await database.close();
  }
}

async function countProducts(url: string): Promise<number> {
  const database = await createDatabase({ url });
  try {
    const { rows } = await database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM products');
    return rows[0]!.n;
  } finally {
    await database.close();
  }
}
