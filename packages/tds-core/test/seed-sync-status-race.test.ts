import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// products.sync_status is written by triggers of every transaction that changes a product's queue
// items, dead letters or last apply (migration 0011, docs/seed-schema.md). Two such transactions on
// one product, interleaved every way a seeded loop picks, must leave the word that the committed
// state gives: the row lock (and advisory lock) each recompute takes first is what makes it so.

const PRODUCT = 'race-item-1';
const ITERATIONS = 80;

type Operation = 'enqueue' | 'complete' | 'deadLetter' | 'apply' | 'resolve' | 'insert';
const OPERATIONS: readonly Operation[] = ['enqueue', 'complete', 'deadLetter', 'apply', 'resolve', 'insert'];

// What the queue code, the appliers and `tds dlq resolve` run, reduced to the rows of the given
// products (one statement for all of them, as an enqueue batch or a worker's step is).
function statementsFor(ids: readonly string[]): Record<Operation, string> {
  const list = ids.map((id) => `'${id}'`).join(', ');
  return {
    enqueue: `INSERT INTO tds_sync_queue (entity_type, zoho_id, operation, source) SELECT 'products', id, 'upsert', 'webhook' FROM unnest(ARRAY[${list}]) AS id
              ON CONFLICT (entity_type, zoho_id) WHERE status = 'pending' DO NOTHING`,
    complete: `UPDATE tds_sync_queue SET status = 'completed', completed_at = now() WHERE zoho_id IN (${list}) AND status = 'processing'`,
    deadLetter: `WITH moved AS (DELETE FROM tds_sync_queue WHERE zoho_id IN (${list}) AND status = 'processing' RETURNING id, entity_type, zoho_id, operation)
                 INSERT INTO tds_dead_letter_queue (original_queue_id, entity_type, zoho_id, operation, error) SELECT id, entity_type, zoho_id, operation, 'boom' FROM moved`,
    apply: `UPDATE products SET last_synced_at = clock_timestamp(), name = 'applied ' || clock_timestamp() WHERE zoho_item_id IN (${list})`,
    resolve: `UPDATE tds_dead_letter_queue SET resolved_at = now() WHERE zoho_id IN (${list}) AND resolved_at IS NULL`,
    // The apply of a record not stored yet (versioned-upsert's shape).
    insert: `INSERT INTO products (zoho_item_id, name, last_synced_at) SELECT id, 'inserted', clock_timestamp() FROM unnest(ARRAY[${list}]) AS id
             ON CONFLICT (zoho_item_id) DO UPDATE SET last_synced_at = clock_timestamp()`,
  };
}
const STATEMENTS = statementsFor([PRODUCT]);

// Migration 0021: the queue's triggers note product ids row by row and refresh them once per
// statement. Writers whose statements mix products with other entities, run several statements in
// one transaction, delete items, or roll a statement back to a savepoint.
type MixedOperation = Operation | 'mixedEnqueue' | 'mixedComplete' | 'deleteItem' | 'rolledBackEnqueue' | 'completeThenEnqueue';
const MIXED_OPERATIONS: readonly MixedOperation[] = [...OPERATIONS, 'mixedEnqueue', 'mixedComplete', 'deleteItem', 'rolledBackEnqueue', 'completeThenEnqueue'];
function mixedStatementsFor(ids: readonly string[]): Record<MixedOperation, string> {
  const base = statementsFor(ids);
  const list = ids.map((id) => `'${id}'`).join(', ');
  return {
    ...base,
    mixedEnqueue: `INSERT INTO tds_sync_queue (entity_type, zoho_id, operation, source)
                   SELECT e, id, 'upsert', 'webhook' FROM unnest(ARRAY[${list}]) AS id, unnest(ARRAY['customers', 'products', 'invoices']) AS e
                   ON CONFLICT (entity_type, zoho_id) WHERE status = 'pending' DO NOTHING`,
    mixedComplete: `UPDATE tds_sync_queue SET status = 'completed', completed_at = now() WHERE zoho_id IN (${list}) AND status IN ('processing', 'pending')`,
    deleteItem: `DELETE FROM tds_sync_queue WHERE zoho_id IN (${list}) AND status IN ('processing', 'pending')`,
    rolledBackEnqueue: `SAVEPOINT s; ${base.enqueue}; ROLLBACK TO SAVEPOINT s; UPDATE tds_sync_queue SET priority = priority + 1 WHERE zoho_id IN (${list})`,
    completeThenEnqueue: `${base.complete}; ${base.enqueue}`,
  };
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let database: TestDatabase;
let a: pg.PoolClient;
let b: pg.PoolClient;

beforeAll(async () => {
  database = await createTestDatabase();
  a = await database.pool.connect();
  b = await database.pool.connect();
});

afterAll(async () => {
  a?.release();
  b?.release();
  await database?.close();
});

/** Resolves once the statement finished, or once its backend waits for a lock held by the other transaction. */
async function untilDoneOrBlocked(client: pg.PoolClient, running: Promise<unknown>): Promise<void> {
  const pid = (client as unknown as { processID: number }).processID;
  let done = false;
  void running.then(
    () => (done = true),
    () => (done = true),
  );
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (done) return;
    const { rows } = await database.pool.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`, [pid]);
    if (rows.length > 0) return;
  }
}

/** Starting state: the product stored or not yet, maybe an item in processing, maybe an open dead letter. */
async function reset(random: () => number, product = PRODUCT): Promise<void> {
  await database.pool.query(`DELETE FROM tds_sync_queue WHERE zoho_id = $1`, [product]);
  await database.pool.query(`DELETE FROM tds_dead_letter_queue WHERE zoho_id = $1`, [product]);
  await database.pool.query(`DELETE FROM products WHERE zoho_item_id = $1`, [product]);
  if (random() < 0.7) {
    await database.pool.query(`INSERT INTO products (zoho_item_id, name, last_synced_at) VALUES ($1, 'race', now() - interval '1 hour')`, [product]);
  }
  if (random() < 0.5) {
    await database.pool.query(`INSERT INTO tds_dead_letter_queue (entity_type, zoho_id, operation, error) VALUES ('products', $1, 'upsert', 'earlier')`, [product]);
  }
  if (random() < 0.8) {
    await database.pool.query(
      `INSERT INTO tds_sync_queue (entity_type, zoho_id, operation, status, locked_by, locked_until) VALUES ('products', $1, 'upsert', 'processing', 'w', now() + interval '1 minute')`,
      [product],
    );
  }
}

async function runPair<O extends string>(random: () => number, first: O, second: O, statements: Record<O, string>[] = [STATEMENTS, STATEMENTS] as never): Promise<string[]> {
  const errors: string[] = [];
  const run = (client: pg.PoolClient, text: string) => client.query(text).catch((error: { code?: string }) => void errors.push(error.code ?? 'error'));
  const [x, y] = random() < 0.5 ? [a, b] : [b, a];
  await x.query('BEGIN');
  await y.query('BEGIN');
  const xRunning = run(x, statements[0][first]);
  await untilDoneOrBlocked(x, xRunning);
  const yRunning = run(y, statements[1][second]);
  await untilDoneOrBlocked(y, yRunning);
  // Commit order: chosen at random, except that a transaction still blocked cannot commit first.
  const xFirst = random() < 0.5;
  const order: [pg.PoolClient, Promise<unknown>][] = xFirst ? [[x, xRunning], [y, yRunning]] : [[y, yRunning], [x, xRunning]];
  const settled = await Promise.race([order[0][1].then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 50))]);
  if (!settled) order.reverse();
  for (const [client, running] of order) {
    await running;
    await client.query(errors.length > 0 ? 'ROLLBACK' : 'COMMIT').catch(() => client.query('ROLLBACK'));
  }
  return errors;
}

/** Each stored product's word against the one its committed state gives. */
async function wrongWords(products: readonly string[], label: string, errors: string[]): Promise<{ checked: number; wrong: string[] }> {
  const { rows } = await database.pool.query<{ id: string; stored: string; truth: string }>(
    `SELECT zoho_item_id AS id, sync_status AS stored, tds_product_sync_status(zoho_item_id, last_synced_at) AS truth FROM products WHERE zoho_item_id = ANY ($1)`,
    [products],
  );
  const wrong = rows.filter((row) => row.stored !== row.truth).map((row) => `${label}, ${row.id}: stored ${row.stored}, committed state says ${row.truth}${errors.length ? ` (${errors.join(',')})` : ''}`);
  return { checked: rows.length, wrong };
}

describe('products.sync_status under concurrent writers', () => {
  it(`equals the committed state after ${ITERATIONS} seeded interleavings of two writers on one product`, { timeout: 120_000 }, async () => {
    const random = seeded(15);
    const wrong: string[] = [];
    let checked = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      await reset(random);
      const first = OPERATIONS[Math.floor(random() * OPERATIONS.length)]!;
      const second = OPERATIONS[Math.floor(random() * OPERATIONS.length)]!;
      const errors = await runPair(random, first, second);
      const { rows } = await database.pool.query<{ stored: string; truth: string }>(
        `SELECT sync_status AS stored, tds_product_sync_status(zoho_item_id, last_synced_at) AS truth FROM products WHERE zoho_item_id = $1`,
        [PRODUCT],
      );
      if (rows.length === 0) continue; // no product stored: no word to check
      checked++;
      if (rows[0]!.stored !== rows[0]!.truth) wrong.push(`#${i} ${first} then ${second}: stored ${rows[0]!.stored}, committed state says ${rows[0]!.truth}${errors.length ? ` (${errors.join(',')})` : ''}`);
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(ITERATIONS / 2);
  });

  // The queue and dead-letter triggers recompute every product of a statement at once (migration
  // 0016): two writers whose statements each cover the same three products, named in different orders.
  it(`equals the committed state of every product after ${ITERATIONS} seeded interleavings of two writers on three products`, { timeout: 180_000 }, async () => {
    const products = [PRODUCT, 'race-item-2', 'race-item-3'];
    const random = seeded(16);
    const wrong: string[] = [];
    let checked = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      for (const product of products) await reset(random, product);
      const first = OPERATIONS[Math.floor(random() * OPERATIONS.length)]!;
      const second = OPERATIONS[Math.floor(random() * OPERATIONS.length)]!;
      const errors = await runPair(random, first, second, [statementsFor(products), statementsFor([...products].reverse())]);
      const found = await wrongWords(products, `#${i} ${first} then ${second}`, errors);
      checked += found.checked;
      wrong.push(...found.wrong);
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(ITERATIONS);
  });

  it(`equals the committed state after ${ITERATIONS} seeded interleavings of writers mixing entities, statements and savepoints`, { timeout: 180_000 }, async () => {
    const products = [PRODUCT, 'race-item-2'];
    const random = seeded(21);
    const wrong: string[] = [];
    let checked = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      for (const product of products) await reset(random, product);
      await database.pool.query(`DELETE FROM tds_sync_queue WHERE zoho_id = ANY ($1)`, [products]);
      if (random() < 0.6) {
        await database.pool.query(
          `INSERT INTO tds_sync_queue (entity_type, zoho_id, operation, status, locked_by, locked_until)
           SELECT e, id, 'upsert', 'processing', 'w', now() + interval '1 minute' FROM unnest($1::text[]) AS id, unnest(ARRAY['customers', 'products']) AS e`,
          [products],
        );
      }
      await database.pool.query(`UPDATE products SET sync_status = tds_product_sync_status(zoho_item_id, last_synced_at) WHERE zoho_item_id = ANY ($1)`, [products]);
      const first = MIXED_OPERATIONS[Math.floor(random() * MIXED_OPERATIONS.length)]!;
      const second = MIXED_OPERATIONS[Math.floor(random() * MIXED_OPERATIONS.length)]!;
      const errors = await runPair(random, first, second, [mixedStatementsFor(products), mixedStatementsFor([...products].reverse())]);
      const found = await wrongWords(products, `#${i} ${first} then ${second}`, errors);
      checked += found.checked;
      wrong.push(...found.wrong);
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(ITERATIONS / 2);
  });
});
