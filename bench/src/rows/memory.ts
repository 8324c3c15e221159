// Row 6 of `pnpm bench`: peak resident memory of a full sync of 100 000 items. The sync runs in a
// child process of its own (what is measured), the sandbox in another. Run alone:
// pnpm bench memory [--items=100000].
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createDatabase, migrate } from '@tsh/tds-core';
import { createScratchDatabase } from '../lib/scratch-database';
import { fmt, option, reportRow } from '../lib/row-result';

const ITEMS = option('items', 'BENCH_MEMORY_ITEMS', 100_000);
const here = dirname(fileURLToPath(import.meta.url));
const MiB = 2 ** 20;

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

console.log(`memory: full products sync of ${fmt(ITEMS)} items (sync and sandbox in processes of their own)`);
const scratch = await createScratchDatabase('memory');
const sandbox = child('memory-sandbox.ts', [String(ITEMS)], {});
try {
  const database = await createDatabase({ url: scratch.url });
  await migrate(database.db);
  await database.close();
  const info = await sandbox.firstLine;
  const sync = child('memory-sync.ts', [], { BENCH_SANDBOX: info, BENCH_DATABASE_URL: scratch.url });
  const result = JSON.parse(await sync.firstLine) as { status: string; error: string | null; counts: { fetched: number; inserted: number; requestsUsed: number }; seconds: number; rssBefore: number; peakRss: number };
  if (result.status !== 'succeeded' || result.counts.inserted !== ITEMS) throw new Error(`the sync ${result.status} (${result.error}), ${result.counts.inserted} inserted`);
  console.log(`  peak RSS ${(result.peakRss / MiB).toFixed(0)} MiB (${(result.rssBefore / MiB).toFixed(0)} MiB before the sync); ${fmt(result.counts.inserted)} products in ${result.seconds.toFixed(0)} s`);
  reportRow({
    row: 'memory',
    lines: [
      {
        benchmark: `Memory: full sync of ${fmt(ITEMS)} items`,
        tds: `peak RSS ${fmt(result.peakRss / MiB)} MiB`,
        reference: `${fmt(result.rssBefore / MiB)} MiB before the sync started`,
        ratio: '',
        goal: '',
      },
    ],
    notes: [
      `Memory: syncEntity('products', full) of ${fmt(ITEMS)} sandbox items into an empty database, in a child process started with Node's defaults; peak RSS is the process's getrusage maxrss at the end (everything it ever held, module code included; the process runs the TypeScript sources through tsx, whose transpiler and source maps are part of the baseline). ` +
        `The sandbox ran in a process of its own. The sync took ${fmt(result.seconds)} s (${fmt(result.counts.fetched / result.seconds)} records/s, ${fmt(result.counts.requestsUsed)} requests, no rate limit).`,
    ],
  });
} finally {
  sandbox.process.kill('SIGTERM');
  await scratch.drop();
}
