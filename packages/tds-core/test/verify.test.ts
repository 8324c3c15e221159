import { createZohoClient, type ZohoClient } from '@tsh/zoho-client';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApplyContext, type ApplyContext } from '../src/apply';
import { createDatabase, type Database, type TdsDatabase } from '../src/db';
import { createSyncHandlers } from '../src/handlers';
import { startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { syncAll } from '../src/sync';
import { runVerify, type VerifyDeps, type VerifyReport } from '../src/verify';
import { createWorkerPool, type WorkerPool } from '../src/workers';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// One sandbox catalogue (with its hostile data: Arabic, emoji, 2,000-character text, IQD totals in
// the billions, "" numbers) synced in full once; the tests run in order on that state (docs/verify.md).

let t: TestDatabase;
let sandbox: ZohoSandbox;
let zoho: ZohoClient;
let ctx: ApplyContext;
let deps: VerifyDeps;
let workers: WorkerPool | undefined;
let syncRequests = 0;

beforeAll(async () => {
  [t, sandbox] = await Promise.all([
    createTestDatabase(),
    startZohoSandbox({ seed: 'verify', items: 450, customers: 40, vendors: 6, invoices: 30, bills: 12, pricebooks: 4, requestsPerMinute: 100_000, maxConcurrent: 50 }),
  ]);
  zoho = createZohoClient({
    organizationId: sandbox.organizationId,
    credentials: sandbox.credentials,
    accountsUrl: sandbox.accountsUrl,
    apiUrl: sandbox.apiUrl,
    requestsPerMinute: 100_000,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    maxRetries: 2,
  });
  ctx = createApplyContext();
  sandbox.resetStats();
  const results = await syncAll({ db: t.db, zoho, applyContext: ctx }, { mode: 'full' });
  for (const r of results) expect({ entity: r.entity, status: r.status }).toEqual({ entity: r.entity, status: 'succeeded' });
  syncRequests = sandbox.stats().apiRequests;
  deps = {
    db: t.db,
    zoho,
    applyContext: ctx,
    organizationId: sandbox.organizationId,
    ensureWorkers: async () => {
      workers ??= createWorkerPool({ db: t.db, pool: t.pool, handlers: createSyncHandlers({ db: t.db, zoho, applyContext: ctx }), concurrency: 2, pollIntervalMs: 50 });
      await workers.start();
    },
  };
}, 240_000);
afterAll(async () => {
  await workers?.stop();
  await Promise.all([t?.close(), sandbox?.close()]);
});

/** The report's differences only, per entity, as plain data to compare with what was tampered. */
function differences(report: VerifyReport) {
  return Object.fromEntries(
    report.entities.map((e) => [e.entity, { drifted: e.drifted.map((d) => ({ id: d.zoho_id, columns: d.columns.map((c) => c.column) })), missing: e.missing, extra: e.extra }]),
  );
}

const none = { drifted: [], missing: [], extra: [] };
const ENTITY_TABLES = ['products', 'stock_levels', 'customers', 'invoices', 'invoice_lines', 'bills', 'bill_lines', 'price_lists', 'price_list_items', 'categories'];

/** A fingerprint of every entity table's content, to prove a run wrote nothing. */
async function entityTablesFingerprint(db: Kysely<Database>): Promise<Record<string, string>> {
  const prints: Record<string, string> = {};
  for (const table of ENTITY_TABLES) {
    const { rows } = await sql<{ print: string | null }>`SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) AS print FROM ${sql.table(table)} t`.execute(db);
    prints[table] = rows[0]?.print ?? 'empty';
  }
  return prints;
}

async function one<T>(query: string): Promise<T> {
  const { rows } = await sql<T>`${sql.raw(query)}`.execute(t.db);
  if (rows.length === 0) throw new Error(`no row for: ${query}`);
  return rows[0];
}

describe('tds verify against the sandbox', () => {
  it('finds no drift right after a full sync (no false positives on hostile data) and costs no more requests than that sync', { timeout: 120_000 }, async () => {
    const before = sandbox.stats().apiRequests;
    const report = await runVerify(deps, { trigger: 'test' });
    const used = sandbox.stats().apiRequests - before;

    expect(differences(report)).toEqual({ pricelists: none, products: none, stock: none, customers: none, invoices: none, bills: none });
    expect(report.ok).toBe(true);
    expect(report.entities.map((e) => [e.entity, e.checked === e.matching, e.complete])).toEqual(
      ['pricelists', 'products', 'stock', 'customers', 'invoices', 'bills'].map((e) => [e, true, true]),
    );
    const checked = Object.fromEntries(report.entities.map((e) => [e.entity, e.checked]));
    expect(checked).toMatchObject({ products: 450, stock: 450, customers: 40, invoices: 30, bills: 12, pricelists: 4 });
    const hostile = await one<{ n: string }>(`SELECT count(*)::text AS n FROM products WHERE name_ar ~ '[\u0600-\u06FF]' OR length(description) >= 2000`);
    expect(Number(hostile.n)).toBeGreaterThan(0);
    expect(report.requests).toBe(used);
    expect(used).toBeLessThanOrEqual(syncRequests);
    expect(report.runId).not.toBeNull();
  });

  it('a sample of 20 products costs a handful of requests', { timeout: 60_000 }, async () => {
    const before = sandbox.stats().apiRequests;
    const report = await runVerify(deps, { entities: ['products'], sample: 20 });
    expect(sandbox.stats().apiRequests - before).toBeLessThanOrEqual(5);
    expect(report.entities).toHaveLength(1);
    expect(report.entities[0]).toMatchObject({ entity: 'products', checked: 20, matching: 20, complete: false });
  });

  describe('after rows are tampered with SQL', () => {
    const ghost = '990000000000000001';
    let ids: Record<string, string>;
    let expected: ReturnType<typeof differences>;

    beforeAll(async () => {
      const consumer = await one<{ id: string }>(`SELECT zoho_pricebook_id AS id FROM price_lists WHERE name = 'Consumer Price List'`);
      const priced = await one<{ id: string }>(`SELECT zoho_item_id AS id FROM price_list_items WHERE zoho_pricebook_id = '${consumer.id}' ORDER BY zoho_item_id LIMIT 1`);
      const products = (await sql<{ id: string }>`
SELECT p.zoho_item_id AS id FROM products p
WHERE p.unit_price IS NOT NULL AND p.deleted_at IS NULL AND p.zoho_item_id <> ${priced.id}
  AND EXISTS (SELECT 1 FROM stock_levels s WHERE s.zoho_item_id = p.zoho_item_id AND s.deleted_at IS NULL)
ORDER BY p.zoho_item_id LIMIT 3`.execute(t.db)).rows;
      const customers = (await sql<{ id: string }>`SELECT zoho_contact_id AS id FROM customers WHERE deleted_at IS NULL ORDER BY zoho_contact_id LIMIT 2`.execute(t.db)).rows;
      const line = await one<{ id: string; invoice: string }>(`SELECT zoho_line_item_id AS id, zoho_invoice_id AS invoice FROM invoice_lines WHERE quantity IS NOT NULL ORDER BY zoho_line_item_id LIMIT 1`);
      const location = await one<{ id: string }>(`SELECT zoho_location_id AS id FROM stock_levels WHERE zoho_item_id = '${products[2].id}' ORDER BY zoho_location_id LIMIT 1`);
      ids = {
        price: products[0].id,
        arabic: products[1].id,
        stock: products[2].id,
        location: location.id,
        deleted: customers[0].id,
        softDeleted: customers[1].id,
        invoice: line.invoice,
        line: line.id,
        book: consumer.id,
        entry: priced.id,
      };
      await sql`UPDATE products SET unit_price = unit_price + 0.01 WHERE zoho_item_id = ${ids.price}`.execute(t.db);
      await sql`UPDATE products SET name_ar = 'اسم مُعدَّل باليد' WHERE zoho_item_id = ${ids.arabic}`.execute(t.db);
      await sql`UPDATE stock_levels SET stock_on_hand = stock_on_hand + 5 WHERE zoho_item_id = ${ids.stock} AND zoho_location_id = ${ids.location}`.execute(t.db);
      await sql`INSERT INTO products (zoho_item_id, name, name_ar, is_active) VALUES (${ghost}, 'ghost', 'ghost', true)`.execute(t.db);
      await sql`DELETE FROM customers WHERE zoho_contact_id = ${ids.deleted}`.execute(t.db);
      await sql`UPDATE customers SET deleted_at = now(), is_active = false WHERE zoho_contact_id = ${ids.softDeleted}`.execute(t.db);
      await sql`UPDATE invoice_lines SET quantity = quantity + 1 WHERE zoho_line_item_id = ${ids.line}`.execute(t.db);
      await sql`UPDATE price_list_items SET rate = rate + 250 WHERE zoho_pricebook_id = ${ids.book} AND zoho_item_id = ${ids.entry}`.execute(t.db);
      expected = {
        pricelists: { drifted: [{ id: ids.book, columns: [`items[${ids.entry}].rate`] }], missing: [], extra: [] },
        products: {
          drifted: [
            { id: ids.price, columns: ['unit_price'] },
            { id: ids.arabic, columns: ['name_ar'] },
          ].sort((a, b) => (a.id < b.id ? -1 : 1)),
          missing: [],
          extra: [ghost],
        },
        stock: { drifted: [{ id: ids.stock, columns: [`stock[${ids.location}].stock_on_hand`] }], missing: [], extra: [] },
        customers: { drifted: [], missing: [ids.deleted, ids.softDeleted].sort(), extra: [] },
        invoices: { drifted: [{ id: ids.invoice, columns: [`lines[${ids.line}].quantity`] }], missing: [], extra: [] },
        bills: none,
      };
    });

    it('reports exactly the tampered rows, with stored and Zoho values, and nothing else', { timeout: 120_000 }, async () => {
      const report = await runVerify(deps);
      expect(differences(report)).toEqual(expected);
      expect(report.ok).toBe(false);
      const invoice = report.entities.find((e) => e.entity === 'invoices')!.drifted[0].columns[0];
      const stored = await one<{ q: string }>(`SELECT quantity::text AS q FROM invoice_lines WHERE zoho_line_item_id = '${ids.line}'`);
      expect(invoice.stored).toBe(stored.q);
      expect(Number(invoice.stored) - Number(invoice.zoho)).toBe(1);
      const arabic = report.entities.find((e) => e.entity === 'products')!.drifted.find((d) => d.zoho_id === ids.arabic)!.columns[0];
      expect(arabic.stored).toBe('اسم مُعدَّل باليد');
    });

    it('as a role that may only SELECT: the same report, nothing written, the run not recorded (and said so)', { timeout: 120_000 }, async () => {
      const role = `${t.name}_ro`;
      await sql`CREATE ROLE ${sql.id(role)} LOGIN PASSWORD 'read-only-test'`.execute(t.db);
      await sql`GRANT USAGE ON SCHEMA public TO ${sql.id(role)}`.execute(t.db);
      await sql`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${sql.id(role)}`.execute(t.db);
      // The test database's own server: DATABASE_URL's, or the embedded one when it is unset.
      const url = new URL(t.url);
      url.username = role;
      url.password = 'read-only-test'; // the embedded server asks for one
      let readOnly: TdsDatabase | undefined;
      try {
        readOnly = await createDatabase({ url: url.toString() });
        const runsBefore = await one<{ n: string }>('SELECT count(*)::text AS n FROM tds_verify_runs');
        const before = await entityTablesFingerprint(t.db);
        const report = await runVerify({ ...deps, db: readOnly.db, ensureWorkers: undefined });
        expect(differences(report)).toEqual(expected);
        expect(await entityTablesFingerprint(t.db)).toEqual(before);
        expect(report.runId).toBeNull();
        expect(report.notes.join(' ')).toMatch(/not recorded.*read-only/);
        expect(await one<{ n: string }>('SELECT count(*)::text AS n FROM tds_verify_runs')).toEqual(runsBefore);
      } finally {
        await readOnly?.close();
        await sql`DROP OWNED BY ${sql.id(role)}`.execute(t.db);
        await sql`DROP ROLE ${sql.id(role)}`.execute(t.db);
      }
    });

    it('--repair queues them (source verify), re-applies at the same version, soft-deletes the extra row, and reports all repaired; a second verify is clean', { timeout: 180_000 }, async () => {
      const report = await runVerify(deps, { repair: true, repairTimeoutMs: 60_000 });
      expect(differences(report)).toEqual(expected);
      const repaired = Object.fromEntries(report.entities.map((e) => [e.entity, { repaired: e.repaired, unrepaired: e.unrepaired }]));
      expect(repaired).toEqual({
        pricelists: { repaired: [ids.book], unrepaired: [] },
        products: { repaired: [ids.price, ids.arabic, ghost].sort(), unrepaired: [] },
        stock: { repaired: [ids.stock], unrepaired: [] },
        customers: { repaired: [ids.deleted, ids.softDeleted].sort(), unrepaired: [] },
        invoices: { repaired: [ids.invoice], unrepaired: [] },
        bills: { repaired: [], unrepaired: [] },
      });
      expect(report.ok).toBe(true);
      const queued = await sql<{ entity_type: string; zoho_id: string }>`
SELECT entity_type, zoho_id FROM tds_sync_queue WHERE source = 'verify' ORDER BY entity_type, zoho_id`.execute(t.db);
      expect(queued.rows.map((r) => `${r.entity_type}:${r.zoho_id}`).sort()).toEqual(
        [`pricelists:${ids.book}`, `products:${ids.price}`, `products:${ids.arabic}`, `products:${ghost}`, `stock:${ids.stock}`, `customers:${ids.deleted}`, `customers:${ids.softDeleted}`, `invoices:${ids.invoice}`].sort(),
      );
      expect(await one<{ deleted: boolean }>(`SELECT deleted_at IS NOT NULL AS deleted FROM products WHERE zoho_item_id = '${ghost}'`)).toEqual({ deleted: true });

      const again = await runVerify(deps);
      expect(differences(again)).toEqual({ pricelists: none, products: none, stock: none, customers: none, invoices: none, bills: none });
      expect(again.ok).toBe(true);
    });
  });
});

describe('--repair of a row whose stored version is ahead of Zoho\'s', () => {
  it('applies Zoho\'s current record and version (a version Zoho never had would hold the row against every repair)', { timeout: 180_000 }, async () => {
    const product = await one<{ id: string; version: string }>(
      `SELECT zoho_item_id AS id, zoho_last_modified_time::text AS version FROM products WHERE deleted_at IS NULL AND unit_price IS NOT NULL ORDER BY zoho_item_id DESC LIMIT 1`,
    );
    const invoice = await one<{ id: string; version: string }>(
      `SELECT zoho_invoice_id AS id, zoho_last_modified_time::text AS version FROM invoices WHERE deleted_at IS NULL ORDER BY zoho_invoice_id DESC LIMIT 1`,
    );
    // As a delivery carrying a time Zoho never had would leave them.
    await sql`UPDATE products SET unit_price = unit_price + 7, zoho_last_modified_time = zoho_last_modified_time + interval '30 days' WHERE zoho_item_id = ${product.id}`.execute(t.db);
    await sql`UPDATE invoices SET total = total + 7, zoho_last_modified_time = zoho_last_modified_time + interval '30 days' WHERE zoho_invoice_id = ${invoice.id}`.execute(t.db);

    const report = await runVerify(deps, { entities: ['products', 'invoices'], repair: true, repairTimeoutMs: 60_000 });
    const outcome = Object.fromEntries(report.entities.map((e) => [e.entity, { drifted: e.drifted.map((d) => d.zoho_id), repaired: e.repaired, unrepaired: e.unrepaired }]));
    expect(outcome).toEqual({
      products: { drifted: [product.id], repaired: [product.id], unrepaired: [] },
      invoices: { drifted: [invoice.id], repaired: [invoice.id], unrepaired: [] },
    });
    expect(report.ok).toBe(true);
    expect(await one(`SELECT zoho_last_modified_time::text AS version FROM products WHERE zoho_item_id = '${product.id}'`)).toEqual({ version: product.version });
    expect(await one(`SELECT zoho_last_modified_time::text AS version FROM invoices WHERE zoho_invoice_id = '${invoice.id}'`)).toEqual({ version: invoice.version });
  });
});
