import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseConfigError, EmbeddedPostgresError, createDatabase, makeTraversable, migrate, migrations, type LoggerLike } from '../src/db';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

function captureLogger() {
  const lines: Array<{ level: string; obj: object; msg?: string }> = [];
  const at = (level: string) => (obj: object, msg?: string) => lines.push({ level, obj, msg });
  const logger: LoggerLike = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

describe('embedded PostgreSQL (runs whether or not DATABASE_URL is set)', () => {
  it('starts on a free port, keeps its data across restarts, and stops on close', { timeout: 120_000 }, async () => {
    const base = await mkdtemp(join(tmpdir(), 'tds-embedded-'));
    await makeTraversable(base);
    const dataDir = join(base, '.tds', 'pg');
    try {
      const first = captureLogger();
      const one = await createDatabase({ dataDir, logger: first.logger });
      expect(one.embedded).toMatchObject({ dataDir, owned: true });
      expect(one.embedded!.port).not.toBe(5432);
      const infos = first.lines.filter((l) => l.level === 'info');
      expect(infos).toHaveLength(1);
      expect(infos[0].msg).toContain(dataDir);
      expect(infos[0].msg).toContain(`127.0.0.1:${one.embedded!.port}`);
      const password = decodeURIComponent(new URL(one.url).password);
      expect(password.length).toBeGreaterThanOrEqual(16);
      expect(JSON.stringify(first.lines)).not.toContain(password);

      await expect(createDatabase({ dataDir })).rejects.toBeInstanceOf(EmbeddedPostgresError);

      await migrate(one.db);
      await one.db.insertInto('categories').values({ zoho_category_id: 'c1', name: 'أدوات' }).execute();
      const firstUrl = one.url;
      await one.close();
      expect(await accepts(firstUrl)).toBe(false);
      expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
      expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);

      const two = await createDatabase({ dataDir });
      expect((await migrate(two.db)).applied).toEqual([]);
      const categories = await two.db.selectFrom('categories').select(['zoho_category_id', 'name']).execute();
      expect(categories).toEqual([{ zoho_category_id: 'c1', name: 'أدوات' }]);
      expect(decodeURIComponent(new URL(two.url).password)).toBe(password);
      const twoUrl = two.url;
      await two.close();
      expect(await accepts(twoUrl)).toBe(false);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  it('refuses a data dir that holds something else', async () => {
    const base = await mkdtemp(join(tmpdir(), 'tds-embedded-'));
    try {
      await makeTraversable(base);
      const { writeFile } = await import('node:fs/promises');
      await writeFile(join(base, 'notes.txt'), 'not a database');
      await expect(createDatabase({ dataDir: base })).rejects.toThrow(/neither empty nor a PostgreSQL data dir/);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});

describe('database', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a URL that is not PostgreSQL', async () => {
    await expect(createDatabase({ url: 'mysql://root@localhost/db' })).rejects.toBeInstanceOf(DatabaseConfigError);
  });

  it('migrates once when two pools (as two processes would) migrate at the same moment, and again is a no-op', async () => {
    const other = await createDatabase({ url: t.url });
    try {
      const [a, b] = await Promise.all([migrate(t.db), migrate(other.db)]);
      const all = Object.keys(migrations);
      expect([...a.applied, ...b.applied].sort()).toEqual(all);
      expect([a.applied.length, b.applied.length].sort()).toEqual([0, all.length]);
      expect((await migrate(t.db)).applied).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('has every table and column of the data contract, with money and quantities as unbounded numeric', async () => {
    const contract: Record<string, string[]> = {
      products: ['id', 'zoho_item_id', 'name', 'name_ar', 'description', 'sku', 'barcode', 'available_stock', 'unit_price', 'consumer_price', 'wholesale_price', 'is_active', 'category_id', 'created_at', 'updated_at'],
      categories: ['zoho_category_id', 'name'],
      customers: ['zoho_contact_id', 'name', 'company_name', 'email', 'phone', 'mobile', 'currency_code', 'outstanding_receivable', 'payment_terms', 'is_active'],
      invoices: ['zoho_invoice_id', 'invoice_number', 'zoho_customer_id', 'customer_name', 'status', 'date', 'due_date', 'currency_code', 'sub_total', 'tax_total', 'total', 'balance'],
      invoice_lines: ['zoho_line_item_id', 'zoho_invoice_id', 'zoho_item_id', 'name', 'quantity', 'rate', 'item_total'],
      bills: ['zoho_bill_id', 'bill_number', 'zoho_vendor_id', 'vendor_name', 'status', 'date', 'due_date', 'currency_code', 'sub_total', 'tax_total', 'total', 'balance'],
      bill_lines: ['zoho_line_item_id', 'zoho_bill_id', 'zoho_item_id', 'name', 'quantity', 'rate', 'item_total'],
      stock_levels: ['zoho_item_id', 'zoho_location_id', 'location_name', 'stock_on_hand', 'available_stock', 'actual_available_stock'],
      price_lists: ['zoho_pricebook_id', 'name', 'currency_code', 'pricebook_type', 'percentage', 'is_increase', 'is_active'],
      price_list_items: ['zoho_pricebook_id', 'zoho_item_id', 'rate'],
      tds_sync_queue: ['id', 'entity_type', 'zoho_id', 'operation', 'payload', 'status', 'priority', 'retry_count', 'max_retries', 'run_after', 'locked_by', 'locked_until', 'last_error', 'zoho_last_modified_time', 'source', 'created_at', 'updated_at', 'completed_at'],
      tds_dead_letter_queue: ['id', 'original_queue_id', 'entity_type', 'zoho_id', 'operation', 'payload', 'error', 'retry_count', 'failed_at', 'resolved_at', 'resolution_note', 'retried_at'],
      zoho_oauth_tokens: ['organization_id', 'access_token', 'expires_at', 'api_domain', 'refreshed_at', 'last_error', 'last_error_at', 'refresh_count'],
      tds_webhook_events: ['id', 'received_at', 'entity', 'zoho_id', 'method', 'event', 'payload_hash', 'signature_ok', 'queue_item_id', 'query'],
      tds_sync_state: ['entity', 'organization_id', 'cursor', 'last_full_sync_at', 'last_incremental_sync_at', 'last_run_status', 'last_error'],
      tds_sync_runs: ['id', 'entity', 'mode', 'status', 'started_at', 'finished_at', 'counts', 'error'],
      tds_workers: ['worker_id', 'process_id', 'hostname', 'started_at', 'last_heartbeat_at', 'status', 'processed_count', 'current_batch'],
      tds_alerts: ['id', 'level', 'code', 'message', 'details', 'created_at', 'resolved_at'],
      tds_heal_log: ['id', 'action', 'target', 'outcome', 'details', 'created_at'],
    };
    const entityTables = ['products', 'categories', 'customers', 'invoices', 'invoice_lines', 'bills', 'bill_lines', 'stock_levels', 'price_lists', 'price_list_items'];
    const { rows } = await sql<{ table_name: string; column_name: string; data_type: string; numeric_precision: number | null; numeric_scale: number | null }>`
      SELECT table_name, column_name, data_type, numeric_precision, numeric_scale
      FROM information_schema.columns WHERE table_schema = 'public'`.execute(t.db);
    const columns = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
    const missing: string[] = [];
    for (const [table, names] of Object.entries(contract)) {
      const required = entityTables.includes(table) ? [...names, 'zoho_last_modified_time', 'last_synced_at', 'deleted_at'] : names;
      for (const name of required) if (!columns.has(`${table}.${name}`)) missing.push(`${table}.${name}`);
    }
    expect(missing).toEqual([]);
    for (const money of ['products.unit_price', 'products.available_stock', 'invoices.total', 'invoice_lines.quantity', 'bills.balance', 'customers.outstanding_receivable', 'stock_levels.stock_on_hand', 'price_list_items.rate']) {
      expect(columns.get(money)).toMatchObject({ data_type: 'numeric', numeric_precision: null, numeric_scale: null });
    }
    expect(columns.get('tds_sync_state.cursor')?.data_type).toBe('timestamp with time zone');
  });

  it('keeps exact decimals, int8 as strings, dates as YYYY-MM-DD and timestamps as Date', async () => {
    await t.db.insertInto('invoices').values({ zoho_invoice_id: 'inv-1', total: '1250000000.000', sub_total: '999999999999.999999', date: '2025-06-03', zoho_last_modified_time: '2025-06-03T14:22:47+03:00' }).execute();
    await t.db.insertInto('invoices').values({ zoho_invoice_id: 'inv-2', total: '0.1' }).execute();
    const [row] = await t.db.selectFrom('invoices').select(['id', 'total', 'sub_total', 'date', 'zoho_last_modified_time']).where('zoho_invoice_id', '=', 'inv-1').execute();
    expect(row).toEqual({ id: expect.stringMatching(/^\d+$/), total: '1250000000.000', sub_total: '999999999999.999999', date: '2025-06-03', zoho_last_modified_time: new Date('2025-06-03T11:22:47Z') });
    const { rows } = await sql<{ sum: string; ids: string[]; totals: string[] }>`
      SELECT sum(total) AS sum, array_agg(id ORDER BY id) AS ids, array_agg(total ORDER BY id) AS totals FROM invoices`.execute(t.db);
    expect(rows[0].sum).toBe('1250000000.100');
    expect(rows[0].totals).toEqual(['1250000000.000', '0.1']);
    expect(rows[0].ids.every((id) => typeof id === 'string')).toBe(true);
    const big = await sql<{ n: string }>`SELECT 9223372036854775807::int8 AS n`.execute(t.db);
    expect(big.rows[0].n).toBe('9223372036854775807');
  });

  it('stores lines before their item or customer exists, and drops them with their invoice', async () => {
    await t.db.insertInto('invoices').values({ zoho_invoice_id: 'inv-9', zoho_customer_id: 'no-such-customer' }).execute();
    await t.db.insertInto('invoice_lines').values({ zoho_line_item_id: 'l1', zoho_invoice_id: 'inv-9', zoho_item_id: 'not-synced-yet', quantity: '2.5', rate: '1000', item_total: '2500' }).execute();
    expect(await t.db.selectFrom('invoice_lines').select('quantity').execute()).toEqual([{ quantity: '2.5' }]);
    await t.db.deleteFrom('invoices').where('zoho_invoice_id', '=', 'inv-9').execute();
    expect(await t.db.selectFrom('invoice_lines').selectAll().execute()).toEqual([]);
  });

  it('keeps one open alert per condition', async () => {
    await t.db.insertInto('tds_alerts').values({ level: 'warning', code: 'queue_backlog', message: 'pending > 50' }).execute();
    await expect(t.db.insertInto('tds_alerts').values({ level: 'critical', code: 'queue_backlog', message: 'pending > 200' }).execute()).rejects.toThrow(/tds_alerts_open_code/);
    await t.db.updateTable('tds_alerts').set({ resolved_at: new Date() }).where('code', '=', 'queue_backlog').execute();
    await t.db.insertInto('tds_alerts').values({ level: 'warning', code: 'queue_backlog', message: 'again' }).execute();
  });

  it('keeps the embedded password readable only by its owner', async () => {
    const base = await mkdtemp(join(tmpdir(), 'tds-embedded-'));
    await makeTraversable(base);
    const database = await createDatabase({ dataDir: join(base, 'pg'), embedded: { persistent: false, postgresFlags: ['-c', 'fsync=off'] } });
    try {
      const { stat } = await import('node:fs/promises');
      const info = await stat(join(base, 'pg', 'tds.password'));
      expect(info.mode & 0o077).toBe(0);
      expect((await readFile(join(base, 'pg', 'tds.password'), 'utf8')).trim()).toBe(decodeURIComponent(new URL(database.url).password));
    } finally {
      await database.close();
      await rm(base, { recursive: true, force: true });
    }
  }, 120_000);
});
