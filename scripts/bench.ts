// `pnpm bench [row…] [--option=value…]`: TDS beside the systems users would pick instead, in one
// table, written with the machine and the command to reproduce to docs/benchmarks.md when every
// row ran. Rows: queue, apply, webhooks, budget, delay, memory, verify (scripts in bench/src/rows/).
// Not part of `pnpm test`.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rowDocument } from './bench/json-output';
import { describeMachine } from './bench/machine';
import { renderDocument, renderMachine, renderMissed, renderTable } from './bench/render';
import { isRowName, ROWS, type RowName } from './bench/rows';
import { runRow, type RowResult } from './bench/run-row';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
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

const results: RowResult[] = [];
const failed: string[] = [];
for (const row of rows) {
  const t0 = Date.now();
  console.error(`== ${row}`);
  try {
    results.push(await runRow(join(root, 'bench'), row, options, env, 15 * 60_000));
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
  writeFileSync(path, renderDocument({ machine, results, failed, startedAt, seconds }));
  console.error(`\nwritten to ${path} (${Math.round(seconds)} s)`);
}
process.exitCode = failed.length > 0 ? 1 : 0;
