import { readFileSync } from 'node:fs';
import type { Machine } from './machine';
import type { RowResult } from './run-row';

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The one table: every line of every row, in order. */
export function renderTable(results: readonly RowResult[]): string {
  const head = '| benchmark | TDS | beside | TDS / beside | goal | met |';
  const rule = '|---|---:|---|---:|---|:---:|';
  const lines = results.flatMap((r) =>
    r.lines.map((l) => `| ${cell(l.benchmark)} | ${cell(l.tds)} | ${cell(l.reference) || '—'} | ${cell(l.ratio) || '—'} | ${cell(l.goal) || '—'} | ${l.met === undefined ? '—' : l.met ? 'yes' : '**no**'} |`),
  );
  return [head, rule, ...lines].join('\n');
}

export function renderMachine(machine: Machine): string {
  return [
    `- CPU: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB RAM, ${machine.os}`,
    `- Node ${machine.node}, ${machine.postgres} (the same server for every system, each in a database of its own)`,
    `- load average at start: ${machine.loadAtStart.map((l) => l.toFixed(2)).join(' / ')} (1 / 5 / 15 min)`,
    `- code measured: commit ${machine.revision}`,
  ].join('\n');
}

export function renderNotes(results: readonly RowResult[]): string {
  return results.flatMap((r) => r.notes.map((n) => `- ${n}`)).join('\n');
}

/** Goals missed in this run, one line each. */
export function renderMissed(results: readonly RowResult[]): string {
  const missed = results.flatMap((r) => r.lines.filter((l) => l.met === false).map((l) => `- ${l.benchmark}: ${l.tds}${l.reference ? ` beside ${l.reference}` : ''} (${l.ratio || '—'}), goal ${l.goal}.`));
  return missed.length === 0 ? 'Every goal was met in this run.' : `Goals not met in this run:\n\n${missed.join('\n')}`;
}

/**
 * The sections of an earlier docs/benchmarks.md after its "Reading the results": measurements and
 * findings written by hand between runs, which a new run keeps below its own.
 */
export function earlierSections(existing: string): string {
  const lines = existing.split('\n');
  const reading = lines.findIndex((l) => l.startsWith('## Reading the results'));
  if (reading < 0) return '';
  const next = lines.findIndex((l, i) => i > reading && l.startsWith('## '));
  return next < 0 ? '' : lines.slice(next).join('\n').trim();
}

export function renderDocument(input: { machine: Machine; results: readonly RowResult[]; failed: readonly string[]; startedAt: Date; seconds: number; earlier?: string }): string {
  const { machine, results, failed, startedAt, seconds, earlier = '' } = input;
  const reading = readFileSync(new URL('./reading.md', import.meta.url), 'utf8').trim();
  return `# Benchmarks

Measured by \`pnpm bench\` on ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC (${Math.round(seconds)} s for the whole run).
These are numbers from one run on one machine; rerun them on yours:

\`\`\`sh
DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm bench          # every row (about 15 minutes)
pnpm bench queue                                                             # one row: queue, apply, webhooks, budget, delay, memory, changes, verify, pipeline
\`\`\`

\`DATABASE_URL\` defaults to \`postgres://postgres@127.0.0.1:5432/postgres\`; every system measured gets a fresh database of its
own on that server, dropped afterwards. \`pgbench\` (PostgreSQL's client package) is needed for the apply row's reference.

## Machine

${renderMachine(machine)}

## Results

${renderTable(results)}
${failed.length > 0 ? `\nRows that failed in this run: ${failed.join(', ')}.\n` : ''}
${renderMissed(results)}

## How each row was measured

${renderNotes(results)}

${reading}
${earlier ? `\n${earlier}\n` : ''}`;
}
