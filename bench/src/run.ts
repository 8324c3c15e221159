// `pnpm bench [row…] [--option=value…]`: TDS beside the systems users would pick instead, in one
// table, written with the machine and the command to reproduce to docs/benchmarks.md when every
// row ran. Rows: bench/src/runner/rows.ts (one script each in bench/src/rows/); `pnpm bench --help`
// lists them and the single benchmarks beside them. Not part of `pnpm test`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rowDocument } from './runner/json-output';
import { describeMachine } from './runner/machine';
import { earlierSections, renderDocument, renderMachine, renderMissed, renderTable } from './runner/render';
import { isRowName, ROWS, type RowName } from './runner/rows';
import { runRow, type RowResult } from './runner/run-row';

// bench/src/run.ts: the repository is two folders up, the bench package one.
const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(benchDir, '..');
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('--list')) {
  const missing = ROWS.filter((row) => !existsSync(join(benchDir, 'src', 'rows', `${row}.ts`)));
  console.log(usage());
  if (missing.length > 0) console.error(`rows without a script in bench/src/rows/: ${missing.join(', ')}`);
  process.exit(missing.length > 0 ? 1 : 0);
}
// --json: each row's result as one JSON document per line on stdout instead of the table.
const json = args.includes('--json');
const options = args.filter((a) => a.startsWith('--') && a !== '--json');
const named = args.filter((a) => !a.startsWith('--'));
const unknown = named.filter((name) => !isRowName(name));
if (unknown.length > 0) {
  console.error(`unknown row${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; rows: ${ROWS.join(', ')}`);
  process.exit(2);
}
const rows: RowName[] = named.length > 0 ? (named as RowName[]) : [...ROWS];
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const env = { ...process.env, DATABASE_URL: databaseUrl };

const startedAt = new Date();
const machine = describeMachine(databaseUrl);
console.error(`pnpm bench: ${rows.join(', ')}\n${renderMachine(machine)}\n`);

/** The memory row syncs 100 000 items through the CLI, which on the shared machine has taken over 15 minutes. */
const rowTimeoutMs = (row: string) => (row === 'memory' ? 45 : 15) * 60_000;

const results: RowResult[] = [];
const failed: string[] = [];
for (const row of rows) {
  const t0 = Date.now();
  console.error(`== ${row}`);
  try {
    results.push(await runRow(benchDir, row, options, env, rowTimeoutMs(row)));
    console.error(`== ${row} done in ${Math.round((Date.now() - t0) / 1000)} s\n`);
  } catch (error) {
    failed.push(row);
    console.error(`== ${row} FAILED: ${(error as Error).message}\n`);
  }
}

const seconds = (Date.now() - startedAt.getTime()) / 1000;
if (json) {
  for (const result of results) console.log(JSON.stringify(rowDocument(result, machine, startedAt)));
} else {
  console.log(renderTable(results));
  console.log(`\n${renderMissed(results)}`);
}
if (failed.length > 0) (json ? console.error : console.log)(`\nfailed: ${failed.join(', ')}`);
if (rows.length === ROWS.length && failed.length < ROWS.length) {
  const path = join(root, 'docs', 'benchmarks.md');
  const earlier = existsSync(path) ? earlierSections(readFileSync(path, 'utf8')) : '';
  writeFileSync(path, renderDocument({ machine, results, failed, startedAt, seconds, earlier }));
  console.error(`\nwritten to ${path} (${Math.round(seconds)} s)`);
}
process.exitCode = failed.length > 0 ? 1 : 0;

function usage(): string {
  return [
    'pnpm bench [row…] [--option=value…] [--json]',
    '',
    `rows (bench/src/rows/<row>.ts, in table order): ${ROWS.join(', ')}`,
    '',
    'single benchmarks (numbers on stdout, not in the table):',
    '  pnpm bench:queue     bench/src/standalone/queue-throughput.ts  no-op queue throughput per batch size and depth',
    '  pnpm bench:sync      bench/src/standalone/sync-memory.ts       heap while a full products sync walks 50 000 items',
    '  pnpm bench:webhooks  bench/src/webhooks/webhook-ingest.ts      signed webhooks stored per second (the webhooks row runs it)',
  ].join('\n');
}
