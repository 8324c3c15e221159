// @vitest-environment node
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveTds, type TdsServer } from '../../adapter-express/src';
import { createTdsCore, loadConfig, type TdsCore } from '../../tds-core/src';
import { sandboxEnvironment, startZohoSandbox, type ZohoSandbox } from '../../zoho-sandbox/src';
import { createTestDatabase, type TestDatabase } from '@tsh/test-utils';
import { CHROMIUM, CHROMIUM_ARGS, ensureDashboardBuilt, requireChromium } from './e2e-helpers';

// The Record view in a real browser against a real TDS server and PostgreSQL: search by SKU, the
// record's timeline from what the core stored (docs/change-feed.md, "Trace one record"), and the
// change webhook's status from health.

const PACKAGE_DIR = join(import.meta.dirname, '..');
const ARTIFACTS = join(PACKAGE_DIR, '..', '..', 'test-artifacts', 'dashboard');
const ADMIN = 'e2e-record-admin-token-8d2e4f';
const ARABIC_NAME = 'وسادة فرامل أمامية';

let t: TestDatabase;
let sandbox: ZohoSandbox;
let core: TdsCore;
let server: TdsServer;
let profile: string;
let context: BrowserContext;
let page: Page;
const browserErrors: string[] = [];

beforeAll(async () => {
  requireChromium();
  ensureDashboardBuilt(PACKAGE_DIR);
  await mkdir(ARTIFACTS, { recursive: true });

  t = await createTestDatabase();
  sandbox = await startZohoSandbox({ port: 0, seed: 8, items: 5, customers: 1, vendors: 1, invoices: 1, bills: 1, requestsPerMinute: 10_000 });
  const config = loadConfig({
    ...sandboxEnvironment(sandbox),
    DATABASE_URL: t.url,
    TDS_ADMIN_TOKEN: ADMIN,
    TDS_LOG_LEVEL: 'silent',
    // Configured but never started here: its status comes from the consumer row set below.
    TDS_CHANGES_WEBHOOK_URL: 'http://127.0.0.1:9/changes',
    TDS_CHANGES_WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
  });
  core = await createTdsCore({ config, database: t });
  server = await serveTds(core, { webhookSecret: sandbox.webhookSecret, adminToken: ADMIN, host: '127.0.0.1', port: 0, dashboard: true, eventsIntervalMs: 1000 });

  // A product written twice (the feed's triggers record both versions), a queue item that failed once, a dead letter.
  await t.pool.query(`INSERT INTO products (zoho_item_id, name, name_ar, sku, unit_price, zoho_last_modified_time) VALUES ('rec-1', 'Front brake pad', $1, 'BP-FRONT-1', 12500, '2026-11-29T10:00:00Z')`, [ARABIC_NAME]);
  await t.pool.query(`UPDATE products SET unit_price = 13000, zoho_last_modified_time = '2026-11-29T11:00:00Z' WHERE zoho_item_id = 'rec-1'`);
  await t.pool.query(`INSERT INTO tds_sync_queue (entity_type, zoho_id, operation, source, status, retry_count, last_error) VALUES ('products', 'rec-1', 'upsert', 'webhook', 'completed', 1, 'Zoho answered 503')`);
  await t.pool.query(`INSERT INTO tds_dead_letter_queue (entity_type, zoho_id, operation, error, retry_count, source) VALUES ('stock', 'rec-1', 'upsert', 'refused for good', 5, 'webhook')`);
  await t.pool.query(`INSERT INTO tds_change_consumers (name, cursor, failures, last_error, last_error_at) VALUES ('tds-webhook', 0, 4, 'the receiver answered 503', now())`);

  profile = await mkdtemp(join(tmpdir(), 'tds-e2e-record-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 1000 } });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => browserErrors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') browserErrors.push(`console: ${message.text()}`);
  });
});

afterAll(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  await server?.close({ closeCore: false });
  await core?.close();
  await sandbox?.close();
  await t?.close();
});

describe('the Record view in a real browser', () => {
  it('finds a product by SKU and shows its timeline: queue item with its error, both versions applied with their columns, the dead letter', { timeout: 120_000 }, async () => {
    await page.goto(`${server.url}/tds`);
    await page.getByLabel('Admin token').fill(ADMIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('overview').waitFor();

    await page.getByRole('tab', { name: /Record/ }).click();
    await page.getByTestId('record-search').fill('bp-front-1');
    await page.getByTestId('record-search-submit').click();
    await page.getByTestId('record-timeline').waitFor();

    const events = page.getByTestId('record-event');
    const kinds = await events.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')));
    expect(kinds.filter((k) => k === 'change')).toHaveLength(2);
    expect(kinds).toContain('queue');
    expect(kinds).toContain('dead_letter');
    const text = (await events.allTextContents()).join('\n');
    expect(text).toContain('Zoho answered 503');
    expect(text).toMatch(/update #\d+ at Zoho version 2026-11-29T11:00:00.000Z: unit_price/);
    expect(text).toContain('refused for good — open');
    expect(await page.getByTestId('record-stored').textContent()).toContain('Front brake pad');
    expect(page.url()).not.toContain(ADMIN);
    await page.screenshot({ path: join(ARTIFACTS, 'record-timeline.png'), fullPage: true });
  });

  it('finds the same product by part of its Arabic name', async () => {
    await page.getByTestId('record-search').fill('فرامل');
    await page.getByTestId('record-search-submit').click();
    await page.getByTestId('record-match-products-rec-1').waitFor();
    expect(await page.getByTestId('record-matches').locator('tbody tr').count()).toBe(1);
  });

  it("shows the change webhook failing with its last error, from the live health", async () => {
    await page.locator('[data-testid="change-webhook"][data-state="failing"]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('change-webhook-error').textContent()).toContain('the receiver answered 503');
    expect(await page.getByTestId('change-webhook').textContent()).not.toContain('127.0.0.1:9');
    expect(browserErrors).toEqual([]);
  });
});
