// Benchmark (not a test): signed Zoho webhooks stored per second and latency over real HTTP,
// against the real TDS app and PostgreSQL, beside a bare Express JSON endpoint in the same run, and
// beside that endpoint made durable the plain way (one INSERT per delivery before its 2xx).
//   pnpm bench:webhooks   (DATABASE_URL, or an embedded PostgreSQL); the webhooks row of `pnpm bench` runs it
// Env: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (50), BENCH_RATE (200 req/s for the latency run),
// BENCH_CPU_PROF (a directory for a CPU profile of the TDS server process; the bare endpoint runs in a
// process of its own and is not profiled).
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { signZohoWebhook } from '@tsh/zoho-client';
import { createTestDatabase } from '@tsh/test-utils';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECRET = 'benchWebhookSecret2025';

interface Target {
  port: number;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

interface RunResult {
  name: string;
  connections: string;
  requests: number;
  ok: number;
  errors: number;
  seconds: number;
  latencies: number[];
}

/** A ~1 KB item webhook as Zoho sends it; each call a different record, so each one is stored. */
function itemWebhook(port: number, n: number): Target {
  const body = Buffer.from(
    JSON.stringify({
      item: {
        item_id: `${4815000000000000 + n}`,
        name: `Router AX3000 #${n}`,
        sku: `RT-${n}`,
        status: 'active',
        rate: '1250000.25',
        purchase_rate: '990000.00',
        stock_on_hand: '12.5',
        description: 'Dual-band Wi-Fi 6 router, 4 LAN ports, 1 WAN port, WPA3, MU-MIMO',
        custom_fields: [{ customfield_id: '1', label: 'Arabic name', api_name: 'cf_name_ar', value: 'راوتر AX3000' }],
        locations: [
          { location_id: '1', location_name: 'Baghdad', location_stock_on_hand: '10', location_available_stock: '9', location_actual_available_stock: '9' },
          { location_id: '2', location_name: 'Basra', location_stock_on_hand: '2.5', location_available_stock: '2.5', location_actual_available_stock: '2.5' },
        ],
        last_modified_time: '2025-06-03T14:22:47+0300',
      },
    }),
  );
  const signature = signZohoWebhook({ secret: SECRET, rawBody: body, contentType: 'application/json' });
  return { port, path: '/api/zoho/webhooks/products', headers: { 'content-type': 'application/json', 'x-zoho-webhook-signature': signature }, body };
}

function send(agent: Agent, target: Target): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port: target.port, path: target.path, method: 'POST', agent, headers: { ...target.headers, 'content-length': String(target.body.length) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(target.body);
  });
}

/** Closed loop: `connections` clients, each sending its next request when the previous one is answered. */
async function closedLoop(name: string, connections: number, seconds: number, next: (n: number) => Target): Promise<RunResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let counter = 0;
  let ok = 0;
  let errors = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  const client = async () => {
    while (performance.now() < end) {
      const target = next(counter++);
      const t0 = performance.now();
      const status = await send(agent, target);
      latencies.push(performance.now() - t0);
      if (status >= 200 && status < 300) ok++;
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
  agent.destroy();
  return { name, connections: String(connections), requests: latencies.length, ok, errors, seconds: (performance.now() - started) / 1000, latencies };
}

/** Open loop: one request every 1/rate s whatever the answers do; latency is counted from the scheduled start. */
async function openLoop(name: string, rate: number, seconds: number, next: (n: number) => Target): Promise<RunResult> {
  const agent = new Agent({ keepAlive: true });
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let n = 0; n < total; n++) {
    const scheduled = started + (n * 1000) / rate;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const target = next(n);
    pending.push(
      send(agent, target).then((status) => {
        latencies.push(performance.now() - scheduled);
        if (status >= 200 && status < 300) ok++;
        else errors++;
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  return { name, connections: `${rate}/s`, requests: latencies.length, ok, errors, seconds: (performance.now() - started) / 1000, latencies };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function table(results: RunResult[]): string {
  const rows = results.map((r) => {
    const sorted = [...r.latencies].sort((a, b) => a - b);
    return [r.name, r.connections, String(r.requests), (r.ok / r.seconds).toFixed(0), percentile(sorted, 50).toFixed(2), percentile(sorted, 99).toFixed(2), String(r.errors)];
  });
  const head = ['scenario', 'load', 'requests', '2xx/s', 'p50 ms', 'p99 ms', 'non-2xx'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

interface ServerProcess {
  pid: number;
  port: number;
  stop(): Promise<void>;
}

async function startServer(role: 'tds' | 'bare' | 'durable', databaseUrl: string): Promise<ServerProcess> {
  const here = dirname(fileURLToPath(import.meta.url));
  // BENCH_CPU_PROF=<dir> writes a CPU profile of the TDS server process there.
  const profile = role === 'tds' && process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, '--conditions=source', '--import', 'tsx', join(here, 'webhook-server.ts'), role], {
    cwd: join(here, '..', '..'),
    env: { ...process.env, BENCH_DATABASE_URL: databaseUrl, BENCH_WEBHOOK_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`benchmark server (${role}) exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('READY ')) resolve(line);
    });
  });
  return {
    pid: child.pid!,
    port: Number(ready.split(' ')[1]),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const CLOCK_TICKS_PER_SECOND = 100;

const clientSeconds = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1e6;

/** CPU seconds (user + system) a process has used so far, from /proc; 0 once it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The PostgreSQL backends of a server's pool (by its application_name) in the benchmark's database. */
async function poolBackends(applicationName: string): Promise<number[]> {
  const { rows } = await database.pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid()`,
    [applicationName],
  );
  return rows.map((r) => r.pid);
}

interface CpuSnapshot {
  applicationName: string;
  server: number;
  backends: Map<number, number>;
}

/** CPU seconds of a server process and of its pool's PostgreSQL backends, read before and after a run. */
async function cpuSnapshot(pid: number, applicationName: string): Promise<CpuSnapshot> {
  return { applicationName, server: cpuSeconds(pid), backends: new Map((await poolBackends(applicationName)).map((p) => [p, cpuSeconds(p)])) };
}

async function cpuSince(pid: number, before: CpuSnapshot): Promise<{ server: number; postgres: number }> {
  const after = await cpuSnapshot(pid, before.applicationName);
  let postgres = 0;
  for (const [p, seconds] of after.backends) postgres += seconds - (before.backends.get(p) ?? 0);
  return { server: after.server - before.server, postgres };
}

const loadBefore = loadavg().map((l) => l.toFixed(2)).join(' ');
const database = await createTestDatabase();
const tdsServer = await startServer('tds', database.url);
const bareServer = await startServer('bare', database.url);
const durableServer = await startServer('durable', database.url);
try {
  const bare = (n: number): Target => ({ ...itemWebhook(bareServer.port, n), path: '/bare' });
  const durable = (n: number): Target => ({ ...itemWebhook(durableServer.port, n), path: '/durable' });
  const webhook = (offset: number) => (n: number) => itemWebhook(tdsServer.port, offset + n);

  // Warm-up (JIT, pool connections), then the measured runs on fresh record ids.
  await closedLoop('warm-up', CONNECTIONS, 2, bare);
  await closedLoop('warm-up', CONNECTIONS, 2, durable);
  await closedLoop('warm-up', CONNECTIONS, 2, webhook(10_000_000));
  const stored0 = await storedCount();
  const transactions0 = await intakeTransactions();

  const bareCpu0 = cpuSeconds(bareServer.pid);
  const bareClient0 = process.cpuUsage();
  const bareRun = await closedLoop('bare Express JSON endpoint', CONNECTIONS, SECONDS, bare);
  const bareClient = clientSeconds(process.cpuUsage(bareClient0));
  const bareCpu = cpuSeconds(bareServer.pid) - bareCpu0;
  const durableRows0 = await durableCount();
  const durableCpu0 = await cpuSnapshot(durableServer.pid, 'bench-durable');
  const durableClient0 = process.cpuUsage();
  const durableRun = await closedLoop('bare Express + one INSERT per delivery', CONNECTIONS, SECONDS, durable);
  const durableClient = clientSeconds(process.cpuUsage(durableClient0));
  const durableCpu = await cpuSince(durableServer.pid, durableCpu0);
  const durableStored = (await durableCount()) - durableRows0;
  const tdsCpu0 = await cpuSnapshot(tdsServer.pid, 'tds');
  const tdsClient0 = process.cpuUsage();
  const tdsRun = await closedLoop('TDS signed webhook, stored', CONNECTIONS, SECONDS, webhook(20_000_000));
  const tdsClient = clientSeconds(process.cpuUsage(tdsClient0));
  const tdsCpu = await cpuSince(tdsServer.pid, tdsCpu0);
  const stored1 = await storedCount();
  const transactions = (await intakeTransactions()) - transactions0;
  const rateRun = await openLoop(`TDS signed webhook at ${RATE} req/s`, RATE, SECONDS, webhook(30_000_000));

  console.log(`\nWebhook ingestion over HTTP on 127.0.0.1 (${SECONDS} s per run, Node ${process.version}, ${await pgVersion()})`);
  console.log(`machine: ${cpus().length} cores, load average before the runs ${loadBefore}, after ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  console.log(table([bareRun, durableRun, tdsRun, rateRun]));
  const storedPerSecond = (stored1 - stored0) / tdsRun.seconds;
  console.log(`\nstored in PostgreSQL during the 50-connection run: ${stored1 - stored0} inbox rows (${storedPerSecond.toFixed(0)}/s), acknowledged: ${tdsRun.ok}`);
  console.log(`intake transactions during that run: ${transactions} (${((stored1 - stored0) / Math.max(transactions, 1)).toFixed(1)} deliveries each)`);
  console.log(`TDS / bare Express throughput: ${((tdsRun.ok / tdsRun.seconds) / (bareRun.ok / bareRun.seconds)).toFixed(3)}`);
  console.log(
    `stored by the bare endpoint with one INSERT per delivery: ${durableStored} rows (${(durableStored / durableRun.seconds).toFixed(0)}/s); ` +
      `TDS / that endpoint: ${(storedPerSecond / (durableStored / durableRun.seconds)).toFixed(3)}`,
  );
  // CPU time from /proc over each closed-loop run (10 ms ticks), per answered request.
  const perRequest = (seconds: number, count: number) => ((seconds * 1000) / Math.max(count, 1)).toFixed(3);
  console.log(
    `CPU per request: bare server ${perRequest(bareCpu, bareRun.requests)} ms; TDS server ${perRequest(tdsCpu.server, tdsRun.requests)} ms, ` +
      `its PostgreSQL backends ${perRequest(tdsCpu.postgres, tdsRun.requests)} ms; ` +
      `bare + INSERT server ${perRequest(durableCpu.server, durableRun.requests)} ms, its PostgreSQL backends ${perRequest(durableCpu.postgres, durableRun.requests)} ms; ` +
      `load generator ${perRequest(bareClient, bareRun.requests)} ms (bare run), ${perRequest(durableClient, durableRun.requests)} ms (bare + INSERT run), ${perRequest(tdsClient, tdsRun.requests)} ms (TDS run)`,
  );
  console.log(`inbox rows in all (warm-up and paced run included; for a CPU profile's per-delivery figures): ${await storedCount()}`);
  const p99 = percentile([...rateRun.latencies].sort((a, b) => a - b), 99);
  console.log(`targets: >= 2000 stored/s: ${storedPerSecond >= 2000 ? 'met' : 'NOT met'}; p99 < 50 ms at ${RATE} req/s: ${p99 < 50 ? 'met' : 'NOT met'}`);
} finally {
  await Promise.all([tdsServer.stop(), bareServer.stop(), durableServer.stop()]);
  await database.close();
}

async function durableCount(): Promise<number> {
  const { rows } = await database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_durable_inbox');
  return rows[0].n;
}

async function storedCount(): Promise<number> {
  const { rows } = await database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM tds_webhook_events');
  return rows[0].n;
}

/** Intake transactions so far: an inbox row's received_at is its transaction's start (now()), shared by its batch. */
async function intakeTransactions(): Promise<number> {
  const { rows } = await database.pool.query<{ n: number }>('SELECT count(DISTINCT received_at)::int AS n FROM tds_webhook_events');
  return rows[0].n;
}

async function pgVersion(): Promise<string> {
  const { rows } = await database.pool.query<{ v: string }>(`SELECT 'PostgreSQL ' || current_setting('server_version') AS v`);
  return rows[0].v;
}
