import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { http, HttpResponse } from 'msw';
import { beforeAll, describe, expect, it } from 'vitest';
import { BOOKS, TOKEN_URL, ok, server, useMsw } from './helpers';

useMsw();

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(packageDir, 'dist');
const outputs = ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts'].map((f) => join(dist, f));
const lockDir = join(packageDir, 'node_modules', '.zoho-client-build.lock');

function newestInput(): number {
  const walk = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
      const path = join(dir, entry.name);
      return Math.max(newest, entry.isDirectory() ? walk(path) : statSync(path).mtimeMs);
    }, 0);
  return Math.max(walk(join(packageDir, 'src')), ...['tsup.config.ts', 'package.json'].map((f) => statSync(join(packageDir, f)).mtimeMs));
}

const isFresh = () => outputs.every((f) => existsSync(f)) && Math.min(...outputs.map((f) => statSync(f).mtimeMs)) >= newestInput();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds with tsup when dist is missing or older than the sources; a lock keeps parallel runs from building at once. */
async function ensureBuilt(force = false): Promise<void> {
  if (!force && isFresh()) return;
  for (;;) {
    try {
      mkdirSync(lockDir, { recursive: false });
      break;
    } catch {
      if (Date.now() - statSync(lockDir, { throwIfNoEntry: false })!.mtimeMs > 180_000) rmSync(lockDir, { recursive: true, force: true });
      await sleep(250);
    }
  }
  try {
    if (force || !isFresh()) execFileSync('npx', ['tsup'], { cwd: packageDir, stdio: 'pipe', timeout: 180_000 });
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Another process (a root `pnpm build`) may be rewriting dist right now: rebuild and try once more. */
async function load<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch {
    await ensureBuilt(true);
    return fn();
  }
}

function zohoHandlers() {
  return [
    http.post(TOKEN_URL, () => HttpResponse.json({ access_token: 'tok-built', expires_in: 3600 })),
    http.get(`${BOOKS}/items`, ({ request }) =>
      request.headers.get('authorization') === 'Zoho-oauthtoken tok-built'
        ? ok({ items: [{ item_id: '1', name: 'Built', rate: '12.50' }], page_context: { page: 1, per_page: 200, has_more_page: false } })
        : HttpResponse.json({ code: 57, message: 'no' }, { status: 401 }),
    ),
  ];
}

const options = { organizationId: '1', credentials: { clientId: 'id', clientSecret: 'secret-x', refreshToken: 'refresh-x' }, retryBaseDelayMs: 1 };

type Built = typeof import('../src');

describe('the built package', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 200_000);

  it('imports as ESM (dist/index.js) and runs a request', async () => {
    server.use(...zohoHandlers());
    const esm = await load(() => import(pathToFileURL(join(dist, 'index.js')).href) as Promise<Built>);
    const page = await esm.createZohoClient(options).books.items.list();
    expect(page.records).toMatchObject([{ item_id: '1', name: 'Built', rate: '12.50' }]);
    expect(typeof esm.verifyZohoWebhookSignature).toBe('function');
  });

  it('requires as CJS (dist/index.cjs): constructs a client and runs a request through the bundled p-queue', async () => {
    server.use(...zohoHandlers());
    const cjs = await load(() => createRequire(import.meta.url)(join(dist, 'index.cjs')) as Built);
    const client = cjs.createZohoClient(options);
    const page = await client.books.items.list();
    expect(page.records).toMatchObject([{ item_id: '1', name: 'Built', rate: '12.50' }]);
    expect(client.stats().requests.total).toBe(1);
    expect(() => cjs.createZohoClient({ ...options, organizationId: '' })).toThrow(cjs.ZohoConfigError);
  });

  it('resolves through the package exports map in plain Node, both module systems', async () => {
    const script = (kind: 'esm' | 'cjs') =>
      kind === 'esm'
        ? "const m = await import('@tsh/zoho-client'); const c = m.createZohoClient(" + JSON.stringify(options) + "); console.log(typeof c.books.items.iterate, typeof m.parseZohoWebhook, import.meta.resolve('@tsh/zoho-client'));"
        : "const m = require('@tsh/zoho-client'); const c = m.createZohoClient(" + JSON.stringify(options) + "); console.log(typeof c.books.items.iterate, typeof m.parseZohoWebhook, require.resolve('@tsh/zoho-client'));";
    const run = (kind: 'esm' | 'cjs') =>
      execFileSync(process.execPath, kind === 'esm' ? ['--input-type=module', '-e', script(kind)] : ['-e', script(kind)], {
        cwd: packageDir,
        encoding: 'utf8',
      }).trim();
    const esm = await load(() => run('esm'));
    const cjs = await load(() => run('cjs'));
    expect(esm).toMatch(/^function function file:.*\/dist\/index\.js$/);
    expect(cjs).toMatch(/^function function .*\/dist\/index\.cjs$/);
  });

  it('ships type declarations for both module systems', () => {
    for (const file of ['index.d.ts', 'index.d.cts']) {
      const types = readFileSync(join(dist, file), 'utf8');
      for (const name of ['createZohoClient', 'verifyZohoWebhookSignature', 'parseZohoWebhook', 'ZohoApiError', 'TokenStore', 'RateLimiter']) {
        expect(types).toContain(name);
      }
    }
  });
});
