// Row 6 of `pnpm bench`: peak resident memory of a full sync of 100 000 items by the built CLI
// (`tds sync products --full`, what a user runs), in a process of its own; the sandbox in another. Run alone:
// pnpm bench memory [--items=100000].
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createDatabase, migrate } from '@tsh/tds-core';
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

console.log(`memory: full products sync of ${fmt(ITEMS)} items by the built CLI (node ${relative(repoDir, cliPath)} sync products --full), sandbox in a process of its own`);
const builtAt = builtTimes();
const scratch = await createScratchDatabase('memory');
const sandbox = child('memory-sandbox.ts', [String(ITEMS)], {});
const rssFile = join(tmpdir(), `tds-bench-rss-${process.pid}.json`);
try {
  const database = await createDatabase({ url: scratch.url });
  await migrate(database.db);
  await database.close();
  const info = JSON.parse(await sandbox.firstLine) as Parameters<typeof sandboxEnvironment>[0];
  const started = performance.now();
  const { stdout } = await run(process.execPath, ['--import', join(here, 'report-peak-rss.mjs'), cliPath, 'sync', 'products', '--full', '--json'], {
    cwd: repoDir,
    env: { ...process.env, ...sandboxEnvironment(info), DATABASE_URL: scratch.url, TDS_RATE_LIMIT_PER_MINUTE: '10000', BENCH_RSS_FILE: rssFile, NODE_OPTIONS: '' },
    maxBuffer: 64 * MiB,
    timeout: 30 * 60_000,
  });
  const seconds = (performance.now() - started) / 1000;
  const { rssAtStart, peakRss } = JSON.parse(readFileSync(rssFile, 'utf8')) as { rssAtStart: number; peakRss: number };
  const inserted = await countProducts(scratch.url);
  if (inserted !== ITEMS) throw new Error(`the sync stored ${inserted} products of ${ITEMS}: ${stdout.slice(0, 500)}`);
  console.log(`  peak RSS ${(peakRss / MiB).toFixed(0)} MiB (${(rssAtStart / MiB).toFixed(0)} MiB for Node before the CLI loaded); ${fmt(inserted)} products in ${seconds.toFixed(0)} s`);
  reportRow({
    row: 'memory',
    lines: [
      {
        benchmark: `Memory: full sync of ${fmt(ITEMS)} items, built CLI`,
        tds: `peak RSS ${fmt(peakRss / MiB)} MiB`,
        reference: `Node before the CLI loaded: ${fmt(rssAtStart / MiB)} MiB`,
        ratio: '',
        goal: '≤ 150 MiB',
        met: peakRss <= 150 * MiB,
      },
    ],
    notes: [
      `Memory: \`tds sync products --full --json\` of ${fmt(ITEMS)} sandbox items into an empty (migrated) database, run as the built CLI (node ${relative(repoDir, cliPath)}, ${builtAt}) with Node's defaults; ` +
        `peak RSS is the process's getrusage maxrss at exit (everything it ever held, module code included), written by a preloaded plain-JavaScript hook (report-peak-rss.mjs), which also notes Node's own size before the CLI loaded. ` +
        `The sandbox ran in a process of its own. The command took ${fmt(seconds)} s (${fmt(inserted / seconds)} records/s; TDS_RATE_LIMIT_PER_MINUTE 10 000, its maximum, and the sandbox unlimited).`,
    ],
  });
} finally {
  sandbox.process.kill('SIGTERM');
  rmSync(rssFile, { force: true });
  await scratch.drop();
}

/** When the CLI and the core it loads were built, and whether sources changed since. */
function builtTimes(): string {
  const cli = statSync(cliPath, { throwIfNoEntry: false });
  const core = statSync(join(repoDir, 'packages', 'tds-core', 'dist', 'index.js'), { throwIfNoEntry: false });
  if (!cli || !core) throw new Error('build the CLI first: pnpm build');
  return `CLI built ${cli.mtime.toISOString()}, tds-core ${core.mtime.toISOString()}`;
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
