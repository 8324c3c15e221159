import { createZohoClient, type ZohoClient } from '@tsh/zoho-client';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApplyContext, type ApplyContext } from '../src/apply';
import { createDatabase, type Database, type TdsDatabase } from '../src/db';
import { createSyncHandlers } from '../src/handlers';
import { startZohoSandbox, type ZohoSandbox } from '../src/sandbox';
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
});
