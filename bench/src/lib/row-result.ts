/**
 * What a row script hands back to `pnpm bench` (scripts/bench.ts): one line on stdout,
 * `BENCH_ROW {json}`, with one or more table lines and the notes that explain them.
 */
export interface BenchLine {
  /** What was measured, e.g. "Queue: no-op enqueue → claim → complete, 20 000 jobs, 2 workers". */
  benchmark: string;
  /** TDS's number as text, e.g. "4 120 jobs/s". */
  tds: string;
  /** The reference it is set beside, e.g. "graphile-worker 0.17.3: 3 050 jobs/s" ("" when none). */
  reference: string;
  /** TDS / reference as text ("1.35×", "98.6 %"), "" when there is nothing to divide. */
  ratio: string;
  /** The goal, e.g. "≥ 1.0×" ("" when none). */
  goal: string;
  /** Whether the goal was met (undefined when there is no goal). */
  met?: boolean;
}

export interface RowResult {
  row: string;
  lines: BenchLine[];
  notes: string[];
}

export const ROW_MARKER = 'BENCH_ROW ';

export function reportRow(result: RowResult): void {
  process.stdout.write(`\n${ROW_MARKER}${JSON.stringify(result)}\n`);
}

/** 12345.6 → "12 346" (thin groups, as in the docs). */
export function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  const fixed = value.toFixed(digits);
  const [whole, fraction] = fixed.split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return fraction ? `${grouped}.${fraction}` : grouped;
}

export const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}×` : 'n/a');

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Numeric option from `--name=value` arguments, then the environment variable, then the default. */
export function option(name: string, env: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const raw = arg ? arg.slice(name.length + 3) : process.env[env];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} / ${env} must be a positive number`);
  return value;
}
