import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTdsCore, loadConfig, type TdsCore } from '@tsh/tds-core';
import { sandboxEnvironment, startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serveTds, type TdsServer } from '../src';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// A `pnpm deploy` install (the Docker image, docs/deploy.md) puts the dashboard under
// node_modules/.pnpm/…: its pages must be served from a folder with a dot on its path.

let t: TestDatabase;
let sandbox: ZohoSandbox;
let core: TdsCore;
let server: TdsServer;
let base: string;

beforeAll(async () => {
  t = await createTestDatabase();
  sandbox = await startZohoSandbox({ port: 0, seed: 7, items: 5, customers: 1, vendors: 1, invoices: 1, bills: 1 });
  const config = loadConfig({ ...sandboxEnvironment(sandbox), DATABASE_URL: t.url, TDS_ADMIN_TOKEN: 'admin-token-dot-folder', TDS_LOG_LEVEL: 'silent' });
  core = await createTdsCore({ config, database: t });
  base = await mkdtemp(join(tmpdir(), 'tds-dashboard-pnpm-'));
  const distDir = join(base, 'node_modules', '.pnpm', '@tsh+tds-dashboard@file+packages+dashboard', 'node_modules', '@tsh', 'tds-dashboard', 'dist');
  await mkdir(join(distDir, 'assets'), { recursive: true });
  await writeFile(join(distDir, 'index.html'), '<!doctype html><title>TDS Dashboard</title>');
  await writeFile(join(distDir, 'assets', 'app-1.js'), 'console.log("dashboard")');
  server = await serveTds(core, { webhookSecret: sandbox.webhookSecret, adminToken: 'admin-token-dot-folder', port: 0, dashboard: { distDir } });
});

afterAll(async () => {
  await server?.close({ closeCore: false });
  await core?.close();
  await sandbox?.close();
  await t?.close();
  if (base) await rm(base, { recursive: true, force: true });
});

it('serves the page and its assets from a dist folder under node_modules/.pnpm', async () => {
  for (const path of ['/tds/', '/tds/queue']) {
    const page = await fetch(`${server.url}${path}`);
    expect({ path, status: page.status }).toEqual({ path, status: 200 });
    expect(await page.text()).toContain('<title>TDS Dashboard</title>');
  }
  const asset = await fetch(`${server.url}/tds/assets/app-1.js`);
  expect(asset.status).toBe(200);
  expect(await fetch(`${server.url}/tds/assets/missing.js`).then((r) => r.status)).toBe(404);
});
