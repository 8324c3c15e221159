import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createTdsCore, loadConfig, type TdsCore } from '../src';
import { sandboxEnvironment, startZohoSandbox, type ZohoSandbox, type ZohoSandboxOptions } from '@tsh/zoho-sandbox';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { compareCustomers, compareDocuments, comparePriceLists, compareProducts, compareStockLevels } from './sync-fixtures';

// docs/hardening.md, "When a daily quota runs out": a full sync that needs three quota windows
// waits for each reset and ends equal to Zoho, at the cost of a clean run; webhooks keep flowing.

const CATALOGUE: ZohoSandboxOptions = { seed: 'quota-windows', items: 300, customers: 30, vendors: 4, invoices: 50, bills: 10, pricebooks: 2, requestsPerMinute: 100_000, maxConcurrent: 50 };
const open: Array<{ close(): Promise<unknown> | void }> = [];
afterAll(async () => {
  for (const resource of open.reverse()) await resource.close();
});

async function coreOn(sandbox: ZohoSandbox): Promise<{ core: TdsCore; db: TestDatabase }> {
  const db = await createTestDatabase();
  const config = loadConfig({ ...sandboxEnvironment(sandbox), DATABASE_URL: db.url, TDS_LOG_LEVEL: 'silent', TDS_RATE_LIMIT_PER_MINUTE: '10000' });
  const core = await createTdsCore({ config, database: db, workers: { pollIntervalMs: 50 }, zoho: { retryBaseDelayMs: 5, retryMaxDelayMs: 20 } });
  open.push(db, core);
  return { core, db };
}

/** A webhook endpoint in front of core.webhooks.ingest, for the sandbox to deliver to. */
async function webhookEndpoint(core: TdsCore): Promise<string> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      core.webhooks
        .ingest({
          entity: url.pathname.split('/').pop()!,
          method: req.method ?? 'POST',
          query: Object.fromEntries(url.searchParams),
          rawBody: Buffer.concat(chunks),
          contentType: req.headers['content-type'],
          signature: req.headers['x-zoho-webhook-signature'] as string | undefined,
        })
        .then(() => res.writeHead(200).end('{}'), (e: { status?: number }) => res.writeHead(e.status ?? 500).end('{}'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push({ close: () => new Promise((resolve) => server.close(resolve)) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function equalToZoho(db: TestDatabase, sandbox: ZohoSandbox): Promise<string[]> {
  return [
    ...(await compareProducts(db.db, sandbox.store)),
    ...(await compareStockLevels(db.db, sandbox.store)),
    ...(await compareCustomers(db.db, sandbox.store)),
    ...(await compareDocuments(db.db, sandbox.store, 'invoices')),
    ...(await compareDocuments(db.db, sandbox.store, 'bills')),
    ...(await comparePriceLists(db.db, sandbox.store)),
  ];
}

describe('a full sync longer than the daily quota', () => {
  it('waits through three quota windows, ends equal to the sandbox within 10 % of a clean run, webhook items applied meanwhile', { timeout: 240_000 }, async () => {
    const cleanSandbox = await startZohoSandbox(CATALOGUE);
    open.push(cleanSandbox);
    const clean = await coreOn(cleanSandbox);
    const cleanResults = await clean.core.sync.run('all', { mode: 'full' });
    expect(cleanResults.map((r) => r.status)).toEqual(Array(6).fill('succeeded'));
    const cleanRequests = cleanSandbox.stats().apiRequests;

    // Under half of the clean run per window: the sync cannot finish in fewer than three.
    const dailyLimit = Math.floor(cleanRequests * 0.4);
    const sandbox = await startZohoSandbox({ ...CATALOGUE, dailyLimit, quotaWindowSeconds: 4 });
    open.push(sandbox);
    const { core, db } = await coreOn(sandbox);
    const target = await webhookEndpoint(core);
    await core.start({ workers: true, healer: false });

    let syncDone = false;
    const sync = core.sync.run('all', { mode: 'full' }).finally(() => (syncDone = true));

    // Once the sandbox has refused a request for the day, customers change in Zoho and their webhooks arrive.
    while (!(sandbox.stats().byStatus['429'] > 0) && !syncDone) await new Promise((r) => setTimeout(r, 20));
    expect(syncDone).toBe(false);
    const customerIds = sandbox.store.idsOf('contact').filter((id) => sandbox.store.customers().some((c) => c.contact_id === id)).slice(0, 5);
    for (const [i, id] of customerIds.entries()) {
      sandbox.store.update('contact', id, { contact_name: `Renamed while the quota was spent ${i}` } as never);
      const sent = await sandbox.sendWebhook({ target: `${target}/customers`, entity: 'contact', id });
      expect(sent.status).toBe(200);
    }
    // The webhook items are applied while the sync still waits for the quota: they need no Zoho call.
    for (;;) {
      const rows = await db.db.selectFrom('customers').select('name').where('zoho_contact_id', 'in', customerIds).execute();
      if (rows.filter((r) => r.name.startsWith('Renamed while the quota was spent')).length === customerIds.length) break;
      expect(syncDone).toBe(false);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(syncDone).toBe(false);

    const results = await sync;
    expect(results.map((r) => [r.entity, r.status])).toEqual(['pricelists', 'products', 'stock', 'customers', 'invoices', 'bills'].map((e) => [e, 'succeeded']));
    expect(cleanRequests).toBeGreaterThan(2 * dailyLimit);
    expect(await equalToZoho(db, sandbox)).toEqual([]);
    // Requests Zoho granted (its refusals past the quota are not work): within 10 % of the clean run.
    const granted = sandbox.stats().apiRequests - (sandbox.stats().byStatus['429'] ?? 0);
    expect(Math.abs(granted - cleanRequests)).toBeLessThanOrEqual(cleanRequests * 0.1);
    // No webhook item failed an attempt or went to the dead-letter queue while Zoho was out of quota.
    const items = await db.db.selectFrom('tds_sync_queue').select(['status', 'retry_count']).execute();
    expect(items.filter((i) => i.status !== 'completed' || i.retry_count > 0)).toEqual([]);
  });
});
