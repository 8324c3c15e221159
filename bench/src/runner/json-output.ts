import { loadavg } from 'node:os';
import type { Machine } from './machine';
import type { BenchLine, RowResult } from './run-row';

/**
 * "6 498 jobs/s" → 6498, "0.95×" → 0.95, "97.7 %" → 97.7, "p50 215 ms, p99 11.1 s" → 215; the first
 * number of a text that is not part of a word (p50), or null.
 */
export function firstNumber(text: string): number | null {
  const match = /(?<![\w.])(?:-?\d{1,3}(?:[ \u202f]\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)/.exec(text);
  return match ? Number(match[0].replace(/[ \u202f]/g, '')) : null;
}

/**
 * The reference's figure: the number after its name ("graphile-worker 0.17.3: 6 873 jobs/s" → 6873),
 * not one of the runs listed after it ("… 2 253 TPS (median of 3: 2 192, …)" → 2253).
 */
export function referenceNumber(text: string): number | null {
  const colon = text.indexOf(': ');
  return firstNumber(colon >= 0 ? text.slice(colon + 2) : text);
}

const unitOf = (text: string) => /^[-\d \u202f.,]+\s*(.*?)(?:\s*\(|$)/.exec(text)?.[1] ?? '';

function jsonLine(line: BenchLine) {
  return {
    ...line,
    tdsValue: firstNumber(line.tds),
    unit: unitOf(line.tds),
    referenceValue: line.reference ? referenceNumber(line.reference) : null,
    ratioValue: line.ratio ? firstNumber(line.ratio) : null,
  };
}

/**
 * What `pnpm bench <row> --json` prints for a row: one JSON document (one line) with the row's
 * figures as text and as numbers, the machine and its load when the run started and now.
 */
export function rowDocument(result: RowResult, machine: Machine, startedAt: Date) {
  const [one, five, fifteen] = loadavg();
  return {
    row: result.row,
    startedAt: startedAt.toISOString(),
    revision: machine.revision,
    machine: { cores: machine.cores, cpuModel: machine.cpuModel, node: machine.node, postgres: machine.postgres },
    load: { atStart: machine.loadAtStart, atEnd: [one!, five!, fifteen!] },
    lines: result.lines.map(jsonLine),
    notes: result.notes,
  };
}
