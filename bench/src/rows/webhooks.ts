// Row 3 of `pnpm bench`: webhook ingestion, measured by the Express adapter's own benchmark
// (bench/src/webhooks/webhook-ingest.ts: the real TDS app in its own process, signed
// item webhooks over HTTP stored in PostgreSQL, beside a bare Express JSON endpoint), run here and
// read back. Run alone: pnpm bench webhooks [--seconds=8].
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { intakeCpuBound } from '../lib/intake-cpu-bound';
import { fmt, option, ratio, reportRow } from '../lib/row-result';

const SECONDS = option('seconds', 'BENCH_WEBHOOK_SECONDS', 8);
const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Scenario {
  name: string;
  load: string;
  requests: number;
  okPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

function runExpressBench(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/webhooks/webhook-ingest.ts'], {
      cwd: benchDir,
      env: { ...process.env, BENCH_SECONDS: String(SECONDS) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      process.stdout.write(chunk.replace(/^/gm, '  '));
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`webhook-ingest.ts exited with ${code}`))));
  });
}

/** The rows of its markdown table: | scenario | load | requests | 2xx/s | p50 ms | p99 ms | non-2xx |. */
function scenarios(output: string): Scenario[] {
  return output
    .split('\n')
    .filter((line) => /^\|\s*[^-\s|]/.test(line) && !line.includes('scenario'))
    .map((line) => {
      const [name, load, requests, okPerSecond, p50, p99, errors] = line.split('|').slice(1, -1).map((c) => c.trim());
      return { name: name!, load: load!, requests: Number(requests), okPerSecond: Number(okPerSecond), p50: Number(p50), p99: Number(p99), errors: Number(errors) };
    });
}

const output = await runExpressBench();
const found = scenarios(output);
const bare = found.find((s) => s.name.startsWith('bare Express JSON'));
const durable = found.find((s) => s.name.includes('one INSERT'));
const durableStoredPerSecond = Number(/one INSERT per delivery: \d+ rows \((\d+)\/s\)/.exec(output)?.[1] ?? Number.NaN);
const stored = found.find((s) => s.name.includes('stored'));
const paced = found.find((s) => s.name.includes('req/s'));
const cpuLine = /^CPU per request: (.*)$/m.exec(output)?.[1];
const storedPerSecond = Number(/\((\d+)\/s\), acknowledged/.exec(output)?.[1] ?? Number.NaN);
if (!bare || !durable || !stored || !Number.isFinite(storedPerSecond) || !Number.isFinite(durableStoredPerSecond)) throw new Error('could not read the webhook benchmark output');

const bound = cpuLine ? intakeCpuBound(cpuLine) : null;

const latency = (s: Scenario) => `p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms`;
reportRow({
  row: 'webhooks',
  lines: [
    {
      benchmark: `Webhook ingest: signed webhooks stored, ${stored.load} connections`,
      tds: `${fmt(storedPerSecond)} stored/s (${latency(stored)})`,
      reference: `bare Express JSON endpoint: ${fmt(bare.okPerSecond)} req/s (${latency(bare)})`,
      ratio: ratio(storedPerSecond, bare.okPerSecond),
      // Issue 19's target (docs/intake-profile.md: not met on a two-core machine), and the Express
      // adapter's own; the line is met only when both are.
      goal: '≥ 0.6× and ≥ 2 000 stored/s',
      met: storedPerSecond >= 0.6 * bare.okPerSecond && storedPerSecond >= 2000,
    },
    {
      // No goal of its own: the target is against the bare endpoint above. This line says
      // what TDS costs beside an intake that is durable too, but verifies, deduplicates and queues nothing.
      benchmark: `Webhook ingest beside a durable bare endpoint, ${stored.load} connections`,
      tds: `${fmt(storedPerSecond)} stored/s`,
      reference: `bare Express + one INSERT per delivery: ${fmt(durableStoredPerSecond)} stored/s (${latency(durable)})`,
      ratio: ratio(storedPerSecond, durableStoredPerSecond),
      goal: '',
    },
    ...(paced
      ? [
          {
            benchmark: `Webhook ingest: latency at ${paced.load} (open loop)`,
            tds: latency(paced),
            reference: '',
            ratio: '',
            goal: 'p99 < 50 ms',
            met: paced.p99 < 50,
          },
        ]
      : []),
  ],
  notes: [
    `Webhook ingest: bench/src/webhooks/webhook-ingest.ts (\`pnpm bench:webhooks\`) with ${SECONDS} s per run: the TDS Express app (serveTds) in a process of its own, ~1 KB signed item webhooks, each a different record, each answered 2xx only once its inbox row and queue item are committed; "stored/s" counts inbox rows written during the closed-loop run. ` +
      `The bare Express endpoint parses the same JSON and answers 202 without storing anything: the ratio is what durability and verification cost. ` +
      `The durable bare endpoint is that endpoint with one autocommit INSERT of the parsed body (jsonb) through a pg pool of 10 before its 202: no signature, no duplicate check, no queue item, no log line; the ratio beside it is what verification, deduplication and queueing cost over durability alone.` +
      (stored.errors + (paced?.errors ?? 0) > 0 ? ` Non-2xx answers: ${stored.errors + (paced?.errors ?? 0)}.` : '') +
      (cpuLine ? ` CPU per request over the closed-loop runs (/proc): ${cpuLine}.` : '') +
      (bound
        ? ` Both closed loops share the same cores, so while both are CPU-bound the ratio cannot exceed the bare side's CPU per request over the TDS side's: ` +
          `${bound.bareMs.toFixed(3)} ms (server + load generator) ÷ ${bound.tdsMs.toFixed(3)} ms (server + PostgreSQL + load generator) = ${bound.ratio.toFixed(2)}× (docs/intake-profile.md, "The floor").`
        : ''),
  ],
});
