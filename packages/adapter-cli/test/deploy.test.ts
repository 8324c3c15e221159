import { execFile, spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import dotenv from 'dotenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { envSchema } from '@tsh/tds-core/internal';
import { SPAWN_TIMEOUT_MS, ensureCliBuilt, repoDir } from './helpers/built-cli';
import { leakedSecrets, setupE2e, type E2eSetup } from './helpers/e2e';

// What deploy/ ships, checked against the code it runs (docs/deploy.md).

const deployDir = join(repoDir, 'deploy');
const read = (path: string) => readFileSync(join(deployDir, path), 'utf8');
const run = promisify(execFile);

// ---- the files as written ------------------------------------------------------------------

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  restart?: string;
  env_file?: string | string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  stop_grace_period?: string;
  logging?: { driver: string; options: Record<string, string> };
  volumes?: string[];
}

const compose = parseYaml(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
const envExample = dotenv.parse(read('.env.example'));
const dockerfile = read('Dockerfile');

function unitOf(name: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const line of read(`systemd/${name}`).split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match) values.set(match[1], [...(values.get(match[1]) ?? []), match[2]]);
  }
  return values;
}
const units = { core: unitOf('tds-core.service'), worker: unitOf('tds-worker@.service') };

/** The JSON (exec) form of a Dockerfile instruction in the runtime (last) stage. */
function execForm(instruction: 'ENTRYPOINT' | 'CMD'): string[] {
  const lines = dockerfile.split('\n').filter((line) => line.startsWith(`${instruction} `));
  expect(lines.length, `one ${instruction} in deploy/Dockerfile`).toBe(1);
  return JSON.parse(lines[0].slice(instruction.length + 1)) as string[];
}

const seconds = (text: string) => {
  const match = /^(\d+)s?$/.exec(text);
  if (!match) throw new Error(`not a number of seconds: ${text}`);
  return Number(match[1]);
};

const VARIABLES_SET_BY_THE_IMAGE = new Set(['PORT', 'TDS_DATA_DIR']);

describe('deploy/docker-compose.yml', () => {
  const { services } = compose;

  it('has the TDS HTTP service, scalable workers and PostgreSQL, all restarted unless stopped', () => {
    expect(Object.keys(services).sort()).toEqual(['postgres', 'tds-core', 'tds-worker']);
    for (const service of Object.values(services)) expect(service.restart).toBe('unless-stopped');
    expect(services['tds-core'].command).toEqual(['serve']);
    expect(services['tds-worker'].command).toEqual(['worker']);
    // --scale needs a service that publishes no fixed host port.
    expect(services['tds-worker'].ports).toBeUndefined();
    expect(services['tds-core'].ports).toEqual(['${TDS_PUBLISH_PORT:-3000}:3000']);
    for (const name of ['tds-core', 'tds-worker']) {
      expect(services[name].build).toEqual({ context: '..', dockerfile: 'deploy/Dockerfile' });
      expect(services[name].env_file).toBe('.env');
      expect(services[name].logging?.options).toMatchObject({ 'max-size': expect.any(String), 'max-file': expect.any(String) });
    }
  });

  it('starts in order on health: PostgreSQL healthy first, tds-core checked on /api/health', () => {
    expect(services.postgres.healthcheck?.test?.join(' ')).toMatch(/pg_isready/);
    expect(services.postgres.volumes).toContain('pgdata:/var/lib/postgresql/data');
    expect(compose.volumes).toHaveProperty('pgdata');
    expect(services['tds-core'].depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(services['tds-worker'].depends_on).toMatchObject({ postgres: { condition: 'service_healthy' }, 'tds-core': { condition: 'service_started' } });
    expect(services['tds-core'].healthcheck?.test).toEqual(['CMD', 'node', '/app/deploy/healthcheck.mjs']);
    expect(dockerfile).toMatch(/^COPY deploy\/entrypoint\.mjs deploy\/healthcheck\.mjs \/out\/deploy\/$/m);
    expect(read('healthcheck.mjs')).toMatch(/\/api\/health/);
    // A worker serves no HTTP: the image's HEALTHCHECK would mark it unhealthy for ever.
    expect(services['tds-worker'].healthcheck).toEqual({ disable: true });
  });

  it('gives the graceful stop as long as the systemd units do', () => {
    for (const name of ['tds-core', 'tds-worker']) {
      expect(seconds(services[name].stop_grace_period!)).toBe(seconds(units.core.get('TimeoutStopSec')![0]));
    }
  });

  it('provides or documents every variable tds reads, and every one the compose file interpolates', () => {
    const provided = new Set([...Object.keys(envExample), ...Object.keys(services['tds-core'].environment ?? {})]);
    const tdsVariables = Object.keys(envSchema.shape);
    expect(tdsVariables.length).toBeGreaterThan(10);
    expect(tdsVariables.filter((name) => !provided.has(name)), 'variables tds reads that deploy/.env.example does not document').toEqual([]);
    const interpolated = [...read('docker-compose.yml').matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]);
    expect(interpolated.length).toBeGreaterThan(0);
    expect(interpolated.filter((name) => !(name in envExample))).toEqual([]);
    // Each one with a comment that says what it is.
    const lines = read('.env.example').split('\n');
    for (const name of Object.keys(envExample)) {
      const at = lines.findIndex((line) => line.startsWith(`${name}=`));
      const comment = lines.slice(0, at).reverse().find((line) => !/^[A-Z_]+=/.test(line));
      expect(comment, `${name} has a comment above it (or above its group)`).toMatch(/^# \S/);
    }
  });

  it('lets .env choose an external database, else builds the URL of the bundled one', () => {
    expect(services['tds-core'].environment?.DATABASE_URL).toBe('${DATABASE_URL:-postgres://tds:${POSTGRES_PASSWORD}@postgres:5432/tds}');
    expect(envExample.DATABASE_URL).toBe('');
  });
});

describe('deploy/Dockerfile', () => {
  it('builds with the pinned pnpm and runs production dependencies only, as a non-root user, Node 20 slim', () => {
    const pinned = (JSON.parse(readFileSync(join(repoDir, 'package.json'), 'utf8')) as { packageManager: string }).packageManager;
    expect(dockerfile).toContain(`npm install --global --no-fund --no-audit ${pinned}`);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/pnpm --filter @tsh\/tds-cli deploy --prod \/out\/packages\/adapter-cli/);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER tds$/m);
    expect(runtime).not.toMatch(/pnpm install/);
    expect(runtime).toMatch(/^HEALTHCHECK .* CMD \["node", "\/app\/deploy\/healthcheck\.mjs"\]$/m);
  });

  it('starts Node itself (exec form, no shell), and systemd starts the same command', () => {
    const start = [...execForm('ENTRYPOINT'), ...execForm('CMD')];
    expect(start).toEqual(['node', '/app/deploy/entrypoint.mjs', 'serve']);
    const installed = (command: string) => command.replace('/usr/bin/node', 'node').replace('/opt/tds/', '/app/').split(' ');
    expect(installed(units.core.get('ExecStart')![0])).toEqual(start);
    expect(installed(units.worker.get('ExecStart')![0])).toEqual([...execForm('ENTRYPOINT'), ...compose.services['tds-worker'].command!]);
  });
});

describe('deploy/systemd', () => {
  it('restarts always, reads /etc/tds/tds.env, runs as tds, hardened, logging to the journal', () => {
    for (const unit of [units.core, units.worker]) {
      expect(unit.get('Restart')).toEqual(['always']);
      expect(unit.get('EnvironmentFile')).toEqual(['/etc/tds/tds.env']);
      expect(unit.get('User')).toEqual(['tds']);
      expect(unit.get('NoNewPrivileges')).toEqual(['yes']);
      expect(unit.get('ProtectSystem')).toEqual(['strict']);
      expect(unit.get('StateDirectory')).toEqual(['tds']);
      expect(unit.get('PrivateTmp')).toEqual(['yes']);
      expect(unit.get('StandardOutput')).toEqual(['journal']);
      expect(unit.get('KillSignal')).toEqual(['SIGTERM']);
      expect(seconds(unit.get('TimeoutStopSec')![0])).toBeGreaterThanOrEqual(30);
    }
    expect(read('systemd/tds.sysusers.conf')).toMatch(/^u tds - /m);
  });

  it('passes systemd-analyze verify in a root holding the paths the units name', async () => {
    // A throwaway root: systemd's own units, the units under test, and the install layout they
    // name (node, /opt/tds/deploy/entrypoint.mjs, /etc/tds/tds.env). A missing ExecStart binary is
    // an error there, and any warning (unknown key, bad value) is printed, so both must be absent.
    const root = mkdtempSync(join(tmpdir(), 'tds-systemd-root-'));
    try {
      const systemdUnits = ['/usr/lib/systemd/system', '/lib/systemd/system'].find((dir) => existsSync(join(dir, 'sysinit.target')));
      expect(systemdUnits, 'systemd is installed (.ci/run installs it)').toBeDefined();
      cpSync(systemdUnits!, join(root, 'usr/lib/systemd/system'), { recursive: true });
      mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
      for (const name of readdirSync(join(deployDir, 'systemd')).filter((f) => f.endsWith('.service'))) {
        copyFileSync(join(deployDir, 'systemd', name), join(root, 'etc/systemd/system', name));
      }
      const node = units.core.get('ExecStart')![0].split(' ')[0];
      mkdirSync(join(root, dirname(node)), { recursive: true });
      try {
        linkSync(process.execPath, join(root, node));
      } catch {
        copyFileSync(process.execPath, join(root, node));
      }
      mkdirSync(join(root, 'opt/tds/deploy'), { recursive: true });
      copyFileSync(join(deployDir, 'entrypoint.mjs'), join(root, 'opt/tds/deploy/entrypoint.mjs'));
      mkdirSync(join(root, 'etc/tds'), { recursive: true });
      copyFileSync(join(deployDir, '.env.example'), join(root, 'etc/tds/tds.env'));
      for (const unit of [units.core, units.worker]) {
        const [, script] = unit.get('ExecStart')![0].split(' ');
        expect(statSync(join(root, script)).isFile()).toBe(true);
        expect(statSync(join(root, unit.get('EnvironmentFile')![0])).isFile()).toBe(true);
      }

      const verify = await run('systemd-analyze', ['verify', `--root=${root}`, 'tds-core.service', 'tds-worker@1.service'], { cwd: root }).then(
        ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
        (error: { code?: number | string; stdout?: string; stderr?: string }) => ({ code: error.code, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
      );
      expect(verify).toEqual({ code: 0, output: '' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

// ---- the entrypoint as a real process ----------------------------------------------------------

const PACKAGES_THE_ENTRYPOINT_LOADS = ['zoho-client', 'zoho-sandbox', 'tds-core', 'adapter-express', 'dashboard'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), 0);
}

/**
 * The entrypoint runs the built packages, as in the image (no tsx, no source conditions): build
 * the ones whose dist is missing or older than their sources (CI's demo step has built them all).
 */
async function ensureWorkspaceBuilt(): Promise<void> {
  const stale = PACKAGES_THE_ENTRYPOINT_LOADS.filter((name) => {
    const dir = join(repoDir, 'packages', name);
    return !existsSync(join(dir, 'dist')) || newestMtime(join(dir, 'dist')) < newestMtime(join(dir, 'src'));
  });
  for (const name of stale) {
    await run('npx', ['-y', 'pnpm@12.4.2', 'run', 'build'], { cwd: join(repoDir, 'packages', name), timeout: 300_000 });
  }
  await ensureCliBuilt();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the command the image starts, as a real process', { timeout: SPAWN_TIMEOUT_MS }, () => {
  let e2e: E2eSetup;
  const workDir = mkdtempSync(join(tmpdir(), 'tds-deploy-test-'));
  const ADMIN_TOKEN = 'admin-token-for-the-deploy-test-51c9';

  beforeAll(async () => {
    await ensureWorkspaceBuilt();
    // An unmigrated scratch database: the entrypoint's `tds migrate` has to create the schema.
    e2e = await setupE2e({ seed: 'deploy-entrypoint', items: 40, customers: 2, vendors: 1, invoices: 1, bills: 1 });
  }, 600_000);

  afterAll(async () => {
    await e2e?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('migrates, serves /api/health 200, and on SIGTERM exits 0 with every acknowledged webhook stored', async () => {
    const [command, ...args] = [...execForm('ENTRYPOINT'), ...execForm('CMD')].map((part) => part.replace(/^\/app\//, `${repoDir}/`));
    expect(command).toBe('node');
    const port = await freePort();
    // The image's environment (PORT, TDS_DATA_DIR) plus the .env a deployment provides.
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', PORT: String(port), TDS_DATA_DIR: join(workDir, 'data'), ...e2e.env, TDS_ADMIN_TOKEN: ADMIN_TOKEN };
    const child = spawn(process.execPath, args, { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    // 'exit', not 'close': a process that leaves a child holding its output open has still exited.
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const base = `http://127.0.0.1:${port}`;
    try {
      let health = 0;
      while (health !== 200 && child.exitCode === null) {
        health = await fetch(`${base}/api/health`).then((r) => r.status, () => 0);
        if (health !== 200) await sleep(250);
      }
      expect(health, output).toBe(200);
      expect(output).toMatch(/Applied \d+ migrations? on DATABASE_URL/);
      // The image's HEALTHCHECK command agrees.
      const check = await run(process.execPath, [join(deployDir, 'healthcheck.mjs')], { env: { PORT: String(port) } }).then(() => 0, (e: { code: number }) => e.code);
      expect(check).toBe(0);

      // Deliveries keep arriving while the stop begins: each answered 2xx must have been stored.
      const items = Array.from({ length: 60 }, (_, n) => e2e.sandbox.store.createItem({ name: `Deployed ${n}` }));
      const target = `${base}/api/zoho/webhooks/products`;
      const acknowledged: string[] = [];
      const deliveries = items.map(async (item, n) => {
        await sleep(n * 5);
        const status = await e2e.sandbox.sendWebhook({ target, entity: 'item', id: item.item_id }).then((r) => r.status ?? 0, () => 0);
        if (status >= 200 && status < 300) acknowledged.push(item.item_id);
      });
      await sleep(120);
      child.kill('SIGTERM');
      await Promise.all(deliveries);

      // What systemd (TimeoutStopSec) and Docker (stop_grace_period) do to a stop that takes too long.
      const stopTimeoutMs = seconds(units.core.get('TimeoutStopSec')![0]) * 1000;
      const killer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      const result = await exited;
      clearTimeout(killer);
      expect({ ...result, output }).toMatchObject({ code: 0, signal: null });
      expect(output).toMatch(/SIGTERM received: stopping cleanly/);
      expect(leakedSecrets({ code: result.code, signal: result.signal, stdout: output, stderr: '' }, [...e2e.secrets, ADMIN_TOKEN])).toEqual([]);

      expect(acknowledged.length).toBeGreaterThan(0);
      const stored = await e2e.db.db.selectFrom('tds_webhook_events').select('zoho_id').where('entity', '=', 'products').execute();
      const storedIds = new Set(stored.map((row) => row.zoho_id));
      expect(acknowledged.filter((id) => !storedIds.has(id))).toEqual([]);
      const held = await e2e.db.db.selectFrom('tds_sync_queue').select('id').where('status', '=', 'processing').execute();
      expect(held).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }
  });
});
