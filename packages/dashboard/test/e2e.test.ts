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

const PACKAGE_DIR = join(import.meta.dirname, '..');
const ARTIFACTS = join(PACKAGE_DIR, '..', '..', 'test-artifacts', 'dashboard');
const ADMIN = 'e2e-admin-token-5f1c9a7e2b';
const ARABIC_NAME = 'هاتف سامسونج جالكسي';

let t: TestDatabase;
let sandbox: ZohoSandbox;
let core: TdsCore;
let server: TdsServer;
let profile: string;
let context: BrowserContext;
let page: Page;
let deadLetterId: string;
const requestedUrls: string[] = [];
const browserErrors: string[] = [];

async function api<T = Record<string, any>>(path: string): Promise<T> {
  const res = await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${ADMIN}` } });
  return (await res.json()) as T;
}

const count = (n: number) => n.toLocaleString('en-US');
const text = (testId: string) => page.getByTestId(testId).textContent();

beforeAll(async () => {
  requireChromium();
  ensureDashboardBuilt(PACKAGE_DIR);
  await mkdir(ARTIFACTS, { recursive: true });

  t = await createTestDatabase();
  sandbox = await startZohoSandbox({ port: 0, seed: 8, items: 60, customers: 10, vendors: 3, invoices: 6, bills: 3, requestsPerMinute: 10_000 });
  const config = loadConfig({ ...sandboxEnvironment(sandbox), DATABASE_URL: t.url, TDS_ADMIN_TOKEN: ADMIN, TDS_LOG_LEVEL: 'silent' });
  core = await createTdsCore({ config, database: t });
  server = await serveTds(core, { webhookSecret: sandbox.webhookSecret, adminToken: ADMIN, host: '127.0.0.1', port: 0, dashboard: true, eventsIntervalMs: 1000 });

  // What an operator finds after a bad night: a dead letter (an item with an Arabic name), an open alert, a heal action.
  const { rows } = await t.pool.query<{ id: string }>(
    `INSERT INTO tds_dead_letter_queue (entity_type, zoho_id, operation, payload, error, retry_count, source)
     VALUES ('products', 'e2e-item-1', 'upsert', $1, 'ZohoValidationError: item e2e-item-1: rate: expected a decimal, received "abc"', 5, 'webhook') RETURNING id::text AS id`,
    [JSON.stringify({ item: { item_id: 'e2e-item-1', name: 'Samsung Galaxy A15', cf_name_ar: ARABIC_NAME, rate: 'abc' } })],
  );
  deadLetterId = rows[0].id;
  await t.pool.query(
    `INSERT INTO tds_alerts (level, code, message, details) VALUES ('warning', 'e2e_backlog', 'the queue is falling behind', '{"component":"queue","remediation":"start more workers","evidence":["oldest item 6 m"]}')`,
  );
  await t.pool.query(`INSERT INTO tds_heal_log (action, target, outcome, details) VALUES ('clear_stuck_locks', 'tds_sync_queue', 'success', '{"cleared":3}')`);

  profile = await mkdtemp(join(tmpdir(), 'tds-e2e-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 1000 } });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('request', (request) => requestedUrls.push(request.url()));
  page.on('response', (response) => {
    if (response.status() === 404) browserErrors.push(`404: ${response.url()}`);
  });
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

describe('the dashboard in a real browser against a real TDS server', () => {
  it('signs in with the admin token, kept out of every URL', async () => {
    await page.goto(`${server.url}/tds`);
    await page.getByLabel('Admin token').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'sign-in.png') });

    await page.getByLabel('Admin token').fill('not-the-admin-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByTestId('sign-in-error').textContent()).toBe('That token was refused.');

    await page.getByLabel('Admin token').fill(ADMIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('overview').waitFor();
    await page.locator('[data-testid="live-state"][data-state="live"]').waitFor();
    expect(page.url()).toBe(`${server.url}/tds/`);
  });

  it('shows the numbers the API reports, and follows live changes', async () => {
    const queue = await api('/api/tds/queue');
    const health = await api('/api/health');
    expect(await text('queue-pending')).toBe(count(queue.pending));
    expect(await text('queue-processing')).toBe(count(queue.processing));
    expect(await text('queue-failed')).toBe(count(queue.failed));
    expect(await text('queue-dead-letters')).toBe(count(queue.dead_letters_open));
    expect(queue.dead_letters_open).toBe(1);
    expect(await text('workers-alive')).toBe(count(health.workers.alive));
    expect(await text('rate-budget')).toBe(`${count(health.zoho_api.rate_limit_remaining)} / ${count(health.zoho_api.rate_limit_per_minute)}`);
    await page.screenshot({ path: join(ARTIFACTS, 'overview.png'), fullPage: true });

    // Work arriving while the page is open shows up without a reload (the live event stream).
    await t.pool.query(`INSERT INTO tds_sync_queue (entity_type, zoho_id, status, run_after) VALUES ('invoices', 'e2e-live-1', 'pending', now() + interval '1 day'), ('invoices', 'e2e-live-2', 'pending', now() + interval '1 day')`);
    await page.waitForFunction((expected) => document.querySelector('[data-testid="queue-pending"]')?.textContent === expected, count(queue.pending + 2));
  });

  it('triggers a full sync of products and sees its progress reach done', async () => {
    await page.getByRole('tab', { name: /Entities/ }).click();
    await page.getByTestId('entity-row-products').waitFor();
    await page.getByTestId('sync-products-full').click();
    await page.getByTestId('run-progress-products').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="run-phase-products"]')?.textContent === 'done', undefined, { timeout: 60_000 });
    expect(await page.getByTestId('run-progress-products').textContent()).toContain('succeeded');

    const { entities } = await api<{ entities: Array<{ entity: string; rows: number }> }>('/api/tds/entities');
    const products = entities.find((e) => e.entity === 'products')!;
    expect(products.rows).toBe(sandbox.store.count('item'));
    await page.waitForFunction((expected) => document.querySelector('[data-testid="entity-rows-products"]')?.textContent === expected, count(products.rows));
    await page.screenshot({ path: join(ARTIFACTS, 'entities.png'), fullPage: true });
  });

  it('shows the dead letter with its Arabic name right-to-left, retries it, and it leaves the list', async () => {
    await page.getByRole('tab', { name: /Dead letters/ }).click();
    const row = page.getByTestId(`dlq-row-${deadLetterId}`);
    await row.waitFor();
    const arabic = row.locator('bdi', { hasText: ARABIC_NAME });
    expect(await arabic.getAttribute('dir')).toBe('auto');
    expect(await arabic.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    expect(await row.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
    await page.getByTestId(`dlq-details-${deadLetterId}`).click();
    expect(await page.getByTestId('dlq-details-error').textContent()).toContain('rate: expected a decimal');
    await page.screenshot({ path: join(ARTIFACTS, 'dead-letter-details.png') });
    await page.keyboard.press('Escape');
    await page.screenshot({ path: join(ARTIFACTS, 'dead-letters.png'), fullPage: true });

    await page.getByTestId(`dlq-retry-${deadLetterId}`).click();
    await row.waitFor({ state: 'detached' });
    await page.getByTestId('dlq-empty').waitFor();
    expect((await api<{ items: unknown[] }>('/api/tds/dlq')).items).toEqual([]);
    const { rows } = await t.pool.query(`SELECT status FROM tds_sync_queue WHERE entity_type = 'products' AND zoho_id = 'e2e-item-1'`);
    expect(rows).toEqual([{ status: 'pending' }]);
  });

  it('shows open alerts and the heal log', async () => {
    await page.getByRole('tab', { name: /Alerts/ }).click();
    const alert = page.getByTestId('alert-e2e_backlog');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('What to do: start more workers');
    expect(await page.getByTestId('heal-log').textContent()).toContain('clear_stuck_locks');
    await page.screenshot({ path: join(ARTIFACTS, 'alerts.png'), fullPage: true });
  });

  it('Verify view: a price tampered in SQL shows as drift of products.unit_price, and the Repair button restores it', { timeout: 240_000 }, async () => {
    for (const r of await core.sync.run('all', { mode: 'full' })) expect(r.status).toBe('succeeded');
    const { rows } = await t.pool.query<{ id: string; unit_price: string }>(
      `UPDATE products SET unit_price = unit_price + 1 WHERE zoho_item_id = (SELECT min(zoho_item_id) FROM products WHERE deleted_at IS NULL AND unit_price IS NOT NULL)
       RETURNING zoho_item_id AS id, unit_price::text AS unit_price`,
    );
    const tampered = rows[0];

    await page.getByRole('tab', { name: /Verify/ }).click();
    expect(await text('verified-reliability')).toBe('not measured');
    await page.getByTestId('verify-entity').selectOption('products');
    await page.getByTestId('verify-start').click();
    await page.getByTestId('verify-drift-by-column').waitFor({ timeout: 60_000 });
    const byColumn = await page.getByTestId('verify-drift-by-column').locator('tbody tr').allTextContents();
    expect(byColumn).toEqual(['productsunit_price1']);
    expect(await page.getByTestId('verify-differences').textContent()).toContain(tampered.id);
    expect(await text('verified-reliability')).not.toBe('not measured');
    await page.screenshot({ path: join(ARTIFACTS, 'verify-drift.png'), fullPage: true });

    await page.getByTestId('verify-repair').click();
    await page.getByTestId('verify-busy').waitFor();
    await page.getByTestId('verify-busy').waitFor({ state: 'detached', timeout: 120_000 });
    const newest = page.getByTestId('verify-runs').locator('tbody tr').first();
    expect(await newest.textContent()).toContain('http + repair');
    expect(await text('verify-run-summary')).toContain('1 record(s) differed, 1 repaired');
    const after = await t.pool.query<{ unit_price: string }>(`SELECT unit_price::text AS unit_price FROM products WHERE zoho_item_id = $1`, [tampered.id]);
    expect(after.rows[0].unit_price).not.toBe(tampered.unit_price);
    const { runs } = await api<{ runs: Array<{ repair: boolean; repaired: number; ok: boolean }> }>('/api/tds/verify/runs');
    expect(runs[0]).toMatchObject({ repair: true, repaired: 1, ok: true });
    await page.screenshot({ path: join(ARTIFACTS, 'verify-repaired.png'), fullPage: true });

    // A second verify finds nothing left to repair.
    await page.getByTestId('verify-start').click();
    await page.getByTestId('verify-busy').waitFor({ state: 'detached', timeout: 60_000 });
    await page.getByTestId('verify-no-drift').waitFor();
  });

  it('never put the token in a URL, and the page ran without errors', () => {
    expect(requestedUrls.length).toBeGreaterThan(0);
    for (const url of requestedUrls) expect(url).not.toContain(ADMIN);
    expect(browserErrors.filter((e) => !e.includes('403'))).toEqual([]);
  });
});
