import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { claim, enqueue, fail } from '@tsh/tds-core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFingerprint } from '@tsh/test-utils';
import { SPAWN_TIMEOUT_MS, ensureCliBuilt, repoDir } from './helpers/built-cli';
import { leakedSecrets, setupE2e, type E2eSetup } from './helpers/e2e';
import { parseJsonOutput, runCli, startCli, type CliResult } from './helpers/run-cli';
import { informationSchemaColumns, schemaFingerprint } from './helpers/schema-fingerprint';
import { makeWorkDir } from './helpers/work-dir';

// `tds migrate` on the TSH ERP database as the seed made it, and on an empty one: the same suite,
// the same columns at the end (docs/seed-schema.md). migrate, sync, verify, serve and dlq run as
// real processes of the built CLI against the sandbox.

const SEED_DDL = readFileSync(join(repoDir, 'packages/tds-core/test/fixtures/tsh-erp-seed.sql'), 'utf8');
const SANDBOX = { seed: 'seed-adoption', items: 120, customers: 12, vendors: 3, invoices: 8, bills: 4 };
const SEED_TABLES = ['tds_sync_queue', 'tds_dead_letter_queue', 'products'] as const;
/** Every column of the seed's DDL, by table. */
const SEED_COLUMNS: Record<(typeof SEED_TABLES)[number], string[]> = {
  tds_sync_queue: ['id', 'entity_type', 'entity_id', 'operation', 'status', 'retry_count', 'max_retries', 'payload', 'error_message', 'locked_until', 'created_at', 'updated_at', 'completed_at'],
  tds_dead_letter_queue: ['id', 'original_id', 'entity_type', 'entity_id', 'operation', 'payload', 'error_message', 'failed_at', 'resolution_notes', 'resolved_at'],
  products: ['id', 'name', 'name_ar', 'description', 'description_ar', 'sku', 'barcode', 'zoho_item_id', 'zoho_books_item_id', 'last_synced_at', 'sync_status', 'available_stock', 'unit_price', 'consumer_price', 'wholesale_price', 'is_active', 'created_at', 'updated_at'],
};
/** The seed's operator commands (quick checks): they must run on both databases. */
const SEED_QUERIES = [
  'SELECT status, COUNT(*) FROM tds_sync_queue GROUP BY status',
  "SELECT entity_type, entity_id, operation, error_message FROM tds_sync_queue WHERE status = 'failed'",
  'SELECT original_id, entity_type, entity_id, operation, error_message, resolution_notes FROM tds_dead_letter_queue WHERE resolved_at IS NULL',
  "SELECT sync_status, COUNT(*) FROM products GROUP BY sync_status",
  "SELECT name, name_ar, zoho_item_id, zoho_books_item_id FROM products WHERE sync_status = 'error'",
];

function expectCode(result: CliResult, code: number): void {
  if (result.code !== code) throw new Error(`exit ${result.code}, expected ${code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface Suite {
  kind: 'adopted' | 'greenfield';
  e2e: E2eSetup;
  work: ReturnType<typeof makeWorkDir>;
  tds(args: string[]): Promise<CliResult>;
  query<R extends Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
}

const suites: Partial<Record<Suite['kind'], Suite>> = {};

async function makeSuite(kind: Suite['kind']): Promise<Suite> {
  const e2e = await setupE2e(SANDBOX);
  const work = makeWorkDir();
  return {
    kind,
    e2e,
    work,
    tds: (args) => runCli(args, { cwd: work.dir, env: e2e.env, timeoutMs: 150_000 }),
    query: async (text, values) => (await e2e.db.pool.query(text, values)).rows,
  };
}

/** Sandbox items the seed rows point at: A and B were queued by the seed's own service, C is the ERP's copy of a Zoho item. */
function pickItems(e2e: E2eSetup) {
  const items = e2e.sandbox.store.items.list().filter((i) => i.price_currency === 'IQD' && i.name_ar !== null);
  return { a: items[0]!, b: items[1]!, c: items[2]!, e: items[3]! };
}

async function seedTheErpDatabase(suite: Suite): Promise<void> {
  const { a, b, c } = pickItems(suite.e2e);
  await suite.e2e.db.pool.query(SEED_DDL);
  await suite.query(
    `INSERT INTO products (name, name_ar, description_ar, sku, zoho_item_id, zoho_books_item_id, last_synced_at, sync_status, available_stock, unit_price, consumer_price)
     VALUES ('Old ERP name', 'اسم قديم', 'وصف عربي', 'OLD-1', $1, $1, '2024-01-02 03:04:05', 'error', 7.50, 1000.00, 1200.00),
            ('ERP-only cable', 'كابل محلي', 'منتج محلي', 'LOCAL-1', NULL, NULL, NULL, 'synced', 3.00, 2500.00, NULL)`,
    [c.item_id],
  );
  await suite.query(
    `INSERT INTO tds_sync_queue (entity_type, entity_id, operation, status, retry_count, payload, error_message, locked_until, created_at, completed_at) VALUES
       ('product', $1, 'create', 'pending', 0, '{"item_id": "${a.item_id}"}', NULL, NULL, '2024-05-01 10:00:00', NULL),
       ('product', $1, 'update', 'pending', 1, NULL, 'timeout', NULL, '2024-05-01 10:05:00', NULL),
       ('product', $2, 'update', 'processing', 0, NULL, NULL, '2024-05-01 10:10:00', '2024-05-01 10:06:00', NULL),
       ('customer', '9001', 'delete', 'completed', 0, NULL, NULL, NULL, '2024-05-01 09:00:00', '2024-05-01 09:00:05'),
       ('invoice', '9002', 'update', 'failed', 5, '{"invoice_id": "9002"}', 'Schema validation failed', NULL, '2024-05-01 08:00:00', NULL)`,
    [a.item_id, b.item_id],
  );
  await suite.query(
    `INSERT INTO tds_dead_letter_queue (original_id, entity_type, entity_id, operation, payload, error_message, failed_at, resolution_notes, resolved_at) VALUES
       (5, 'invoice', '9002', 'update', '{"invoice_id": "9002"}', 'Schema validation failed', '2024-05-01 08:30:00', 'voided in Zoho', '2024-05-02 09:00:00'),
       (77, 'customer', '9003', 'create', NULL, 'Duplicate key violation', '2024-05-03 12:00:00', NULL, NULL)`,
  );
}

const TIMESTAMPS = new Set(['locked_until', 'created_at', 'updated_at', 'completed_at', 'failed_at', 'resolved_at', 'last_synced_at']);

/**
 * The seed's columns of every row, as text. Timestamps are read as local times of this session:
 * the seed's TIMESTAMP and the adopted timestamptz (converted in the same TimeZone) print alike.
 */
async function seedRows(suite: Suite): Promise<Record<string, Record<string, string | null>[]>> {
  const out: Record<string, Record<string, string | null>[]> = {};
  for (const table of SEED_TABLES) {
    const columns = SEED_COLUMNS[table].map((c) => (TIMESTAMPS.has(c) ? `${c}::timestamp::text AS ${c}` : `${c}::text AS ${c}`)).join(', ');
    out[table] = await suite.query(`SELECT ${columns} FROM ${table} ORDER BY id`);
  }
  return out;
}

beforeAll(async () => {
  await ensureCliBuilt();
  suites.adopted = await makeSuite('adopted');
  suites.greenfield = await makeSuite('greenfield');
  await seedTheErpDatabase(suites.adopted);
}, 300_000);

afterAll(async () => {
  for (const suite of Object.values(suites)) {
    await suite?.e2e.close();
    suite?.work.remove();
  }
});

describe('tds migrate on the TSH ERP seed database', { timeout: SPAWN_TIMEOUT_MS }, () => {
  let before: Awaited<ReturnType<typeof seedRows>>;

  it('--dry-run prints the plan (SQL and why) and changes nothing; --no-alter-columns prints what will fail instead', async () => {
    const suite = suites.adopted!;
    before = await seedRows(suite);
    const schema = await schemaFingerprint(suite.e2e.db.pool);
    const data = await databaseFingerprint(suite.e2e.db.db);

    const dry = await suite.tds(['migrate', '--dry-run']);
    expectCode(dry, 0);
    expect(dry.stdout).toContain('Would adopt the existing TSH ERP tables (tds_sync_queue, tds_dead_letter_queue, products):');
    expect(dry.stdout).toContain('[rename] ALTER TABLE tds_sync_queue RENAME COLUMN entity_id TO zoho_id;');
    expect(dry.stdout).toContain('[alter] ALTER TABLE products ALTER COLUMN unit_price TYPE numeric USING unit_price::numeric;');
    expect(dry.stdout).toMatch(/why: numeric\(10,2\) → numeric: Zoho amounts \(IQD prices and totals past 100,000,000\)/);
    expect(dry.stdout).toContain('Note: products.zoho_item_id stays nullable: 1 row(s) have none');
    expect(dry.stdout).toMatch(/Would apply \d+ migrations on DATABASE_URL: 0001-queue, 0002-entities, .*0011-seed-columns/);
    expect(dry.stdout).toContain('Dry run: nothing was changed.');

    const refused = await suite.tds(['migrate', '--dry-run', '--no-alter-columns']);
    expectCode(refused, 0);
    expect(refused.stdout).toContain('Refused column changes (--no-alter-columns) and what will fail instead:');
    expect(refused.stdout).toMatch(/will fail: products\.unit_price holds less than 100000000 \(2 decimals\): a Zoho value at or above it .* "numeric field overflow"/);
    expect(refused.stdout).toMatch(/will fail: products\.sku holds at most 100 characters/);
    expect(refused.stdout).not.toContain('[alter] ALTER TABLE products ALTER COLUMN unit_price');

    expect(await schemaFingerprint(suite.e2e.db.pool)).toEqual(schema);
    expect(await databaseFingerprint(suite.e2e.db.db)).toEqual(data);
  });

  it('migrate adopts the tables: every row and every seed column kept, words mapped as documented; a second run does nothing', async () => {
    const suite = suites.adopted!;
    const { a, b } = pickItems(suite.e2e);
    const run = await suite.tds(['migrate']);
    expectCode(run, 0);
    expect(run.stdout).toContain('Adopted the existing TSH ERP tables (tds_sync_queue, tds_dead_letter_queue, products):');
    expect(run.stdout).toContain('[alter] ALTER TABLE products ALTER COLUMN wholesale_price TYPE numeric USING wholesale_price::numeric;');
    expect(run.stdout).toMatch(/Applied \d+ migrations on DATABASE_URL: 0001-queue, /);

    const after = await seedRows(suite);
    expect(after.products).toEqual(before.products.map((row) => (row.zoho_item_id === null ? row : { ...row, sync_status: 'synced' })));
    expect(after.tds_dead_letter_queue).toEqual(
      before.tds_dead_letter_queue.map((row) => ({ ...row, entity_type: `${row.entity_type}s`, operation: 'upsert' })),
    );
    const queue = after.tds_sync_queue;
    expect(queue.map((r) => r.id)).toEqual(before.tds_sync_queue.map((r) => r.id));
    for (const [index, row] of queue.entries()) {
      const old = before.tds_sync_queue[index]!;
      expect({ ...row, entity_type: old.entity_type, operation: old.operation, status: old.status, error_message: old.error_message, locked_until: old.locked_until, updated_at: old.updated_at, completed_at: old.completed_at }).toEqual(old);
    }
    expect(queue.map((r) => [r.entity_type, r.operation, r.status])).toEqual([
      ['products', 'upsert', 'completed'],
      ['products', 'upsert', 'pending'],
      ['products', 'upsert', 'pending'],
      ['customers', 'delete', 'completed'],
      ['invoices', 'upsert', 'failed'],
    ]);
    expect(queue[0]!.error_message).toBe(`superseded at adoption by queue item ${queue[1]!.id}`);
    expect(queue[1]!.error_message).toBe('timeout');
    const words = await suite.query<{ seed_operation: string }>('SELECT seed_operation FROM tds_sync_queue ORDER BY id');
    expect(words.map((w) => w.seed_operation)).toEqual(['create', 'update', 'update', 'delete', 'update']);
    const dlqWords = await suite.query<{ seed_operation: string }>('SELECT seed_operation FROM tds_dead_letter_queue ORDER BY id');
    expect(dlqWords.map((w) => w.seed_operation)).toEqual(['update', 'create']);
    // A and B wait in the queue: their products do not exist yet, C's adopted row has no item waiting.
    expect(await suite.query(`SELECT entity_id FROM tds_sync_queue WHERE status = 'pending' ORDER BY id`)).toEqual([{ entity_id: a.item_id }, { entity_id: b.item_id }]);

    const again = await suite.tds(['migrate']);
    expectCode(again, 0);
    expect(again.stdout.trim()).toBe('Schema already up to date on DATABASE_URL.');
  });
});

describe.each(['adopted', 'greenfield'] as const)('the %s database', (kind) => {
  const suite = () => suites[kind]!;

  it('full sync: the contract columns equal Zoho (tds verify), IQD prices past 100,000,000 and items without an Arabic name stored; the seed columns filled', { timeout: SPAWN_TIMEOUT_MS }, async () => {
    const s = suite();
    if (kind === 'greenfield') expectCode(await s.tds(['migrate']), 0);
    expectCode(await s.tds(['sync', 'all', '--full']), 0);
    const verify = await s.tds(['verify', '--json']);
    expectCode(verify, 0);
    expect((parseJsonOutput(verify) as { ok: boolean }).ok).toBe(true);

    const items = s.e2e.sandbox.store.items.list();
    const wide = items.filter((i) => i.price_currency === 'IQD' && Number(i.rate) >= 100_000_000);
    expect(wide.length).toBeGreaterThan(0);
    for (const item of wide) {
      const [row] = await s.query<{ unit_price: string }>('SELECT unit_price::text AS unit_price FROM products WHERE zoho_item_id = $1', [item.item_id]);
      expect(row!.unit_price).toBe(item.rate);
    }
    const noArabic = items.filter((i) => i.name_ar === null);
    expect(noArabic.length).toBeGreaterThan(0);
    const fallback = await s.query<{ same: boolean }>('SELECT name_ar = name AS same FROM products WHERE zoho_item_id = ANY($1)', [noArabic.map((i) => i.item_id)]);
    expect(fallback.map((r) => r.same)).toEqual(noArabic.map(() => true));

    expect(await s.query(`SELECT count(*)::int AS n FROM products WHERE zoho_item_id IS NOT NULL AND zoho_books_item_id IS DISTINCT FROM zoho_item_id`)).toEqual([{ n: 0 }]);
    const { a, b, c } = pickItems(s.e2e);
    const statuses = await s.query<{ zoho_item_id: string; sync_status: string }>(
      `SELECT zoho_item_id, sync_status FROM products WHERE zoho_item_id IS NOT NULL AND sync_status <> 'synced' ORDER BY zoho_item_id`,
    );
    // The seed's pending items for A and B still wait (no worker ran): their products say so.
    expect(statuses).toEqual(kind === 'adopted' ? [a.item_id, b.item_id].sort().map((id) => ({ zoho_item_id: id, sync_status: 'pending' })) : []);

    if (kind === 'adopted') {
      const [adopted] = await s.query<Record<string, string>>(
        `SELECT id::text, name, description_ar, sku, zoho_last_modified_time IS NOT NULL AS versioned FROM products WHERE zoho_item_id = $1`,
        [c.item_id],
      );
      expect(adopted).toEqual({ id: '1', name: c.name, description_ar: 'وصف عربي', sku: c.sku, versioned: true });
      expect(await s.query(`SELECT id::text, name, name_ar, sku, unit_price::text, sync_status, deleted_at FROM products WHERE zoho_item_id IS NULL`)).toEqual([
        { id: '2', name: 'ERP-only cable', name_ar: 'كابل محلي', sku: 'LOCAL-1', unit_price: '2500.00', sync_status: 'synced', deleted_at: null },
      ]);
    }
  });

  it('webhooks through tds serve: items applied, queue rows carry entity_id and the seed operation word, sync_status back to synced', { timeout: SPAWN_TIMEOUT_MS }, async () => {
    const s = suite();
    const { c } = pickItems(s.e2e);
    const env = { ...s.e2e.env, TDS_ADMIN_TOKEN: 'seed-adoption-admin-token-0123456789' };
    const cli = startCli(['serve', '--port', '0', '--host', '127.0.0.1', '--no-scheduler', '--workers', '1'], { cwd: s.work.dir, env, timeoutMs: 150_000 });
    try {
      const [, url] = await cli.waitFor(/listening on (http:\/\/\S+)/);
      s.e2e.sandbox.store.update('item', c.item_id, { name: 'Renamed in Zoho' });
      const created = s.e2e.sandbox.store.createItem({ name: 'Created in Zoho' });
      for (const id of [c.item_id, created.item_id]) {
        const sent = await s.e2e.sandbox.sendWebhook({ target: `${url}/api/zoho/webhooks/products`, entity: 'item', id });
        expect(sent.status).toBeLessThan(300);
      }
      const waiting = await eventually(
        () => s.query<{ n: number }>(`SELECT count(*)::int AS n FROM tds_sync_queue WHERE status IN ('pending', 'processing')`),
        (rows) => rows[0]!.n === 0,
      );
      expect(waiting).toEqual([{ n: 0 }]);
    } finally {
      const stopped = await cli.stop('SIGTERM');
      expect(leakedSecrets(stopped, s.e2e.secrets)).toEqual([]);
    }
    const rows = await s.query<Record<string, string>>(
      `SELECT p.name, p.sync_status, q.entity_id, q.zoho_id, q.seed_operation, q.status
       FROM tds_sync_queue q JOIN products p ON p.zoho_item_id = q.zoho_id
       WHERE q.source = 'webhook' ORDER BY q.id`,
    );
    const created = s.e2e.sandbox.store.items.list().find((i) => i.name === 'Created in Zoho')!;
    expect(rows).toEqual([
      { name: 'Renamed in Zoho', sync_status: 'synced', entity_id: c.item_id, zoho_id: c.item_id, seed_operation: 'update', status: 'completed' },
      { name: 'Created in Zoho', sync_status: 'synced', entity_id: created.item_id, zoho_id: created.item_id, seed_operation: 'create', status: 'completed' },
    ]);
    expect(await s.query(`SELECT count(*)::int AS n FROM products WHERE zoho_item_id IS NOT NULL AND sync_status <> 'synced'`)).toEqual([{ n: 0 }]);
  });

  it("a dead letter: sync_status 'error' while it sits in the DLQ, the seed's DLQ columns hold it; tds dlq resolve writes resolution_notes and clears the error", { timeout: SPAWN_TIMEOUT_MS }, async () => {
    const s = suite();
    const { e } = pickItems(s.e2e);
    const db = s.e2e.db.db;
    // Top priority: claimed before anything else that may still wait.
    const queued = await enqueue(db, { entity_type: 'products', zoho_id: e.item_id, source: 'manual', priority: 1000 });
    expect(await s.query(`SELECT sync_status FROM products WHERE zoho_item_id = $1`, [e.item_id])).toEqual([{ sync_status: 'pending' }]);
    const [held] = await claim(db, { workerId: 'seed-test', batchSize: 1, leaseSeconds: 60 });
    expect(held!.id).toBe(queued.id);
    expect(await fail(db, held!.id, 'seed-test', new Error('Item not found in Zoho'), { retryable: false })).toEqual({ id: queued.id, outcome: 'dead_letter' });

    const [letter] = await s.query<Record<string, string>>(
      `SELECT id::text, original_id::text, entity_type, entity_id, operation, seed_operation, error_message, resolution_notes
       FROM tds_dead_letter_queue WHERE resolved_at IS NULL AND entity_id = $1`,
      [e.item_id],
    );
    expect(letter).toMatchObject({ original_id: queued.id, entity_type: 'products', entity_id: e.item_id, operation: 'upsert', seed_operation: 'update', resolution_notes: null });
    expect(letter!.error_message).toContain('Item not found in Zoho');
    expect(await s.query(`SELECT zoho_item_id FROM products WHERE sync_status = 'error'`)).toEqual([{ zoho_item_id: e.item_id }]);
    for (const text of SEED_QUERIES) await expect(s.query(text)).resolves.toBeInstanceOf(Array);

    expectCode(await s.tds(['dlq', 'resolve', letter!.id, '--note', 'checked by hand']), 0);
    expect(await s.query(`SELECT resolution_notes, resolved_at IS NOT NULL AS resolved FROM tds_dead_letter_queue WHERE id = $1`, [letter!.id])).toEqual([
      { resolution_notes: 'checked by hand', resolved: true },
    ]);
    expect(await s.query(`SELECT sync_status FROM products WHERE zoho_item_id = $1`, [e.item_id])).toEqual([{ sync_status: 'synced' }]);
  });
});

describe('both databases', () => {
  it('end with the same columns of the seed tables (information_schema), every seed column among them', async () => {
    for (const table of SEED_TABLES) {
      const adopted = await informationSchemaColumns(suites.adopted!.e2e.db.pool, table);
      const greenfield = await informationSchemaColumns(suites.greenfield!.e2e.db.pool, table);
      expect({ table, columns: adopted }).toEqual({ table, columns: greenfield });
      const names = adopted.map((line) => line.split(' ')[0]);
      expect(names).toEqual(expect.arrayContaining(SEED_COLUMNS[table]));
    }
  });
});
