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

// What the queue code, the appliers and `tds dlq resolve` run, reduced to the rows of one product.
const STATEMENTS: Record<Operation, string> = {
  enqueue: `INSERT INTO tds_sync_queue (entity_type, zoho_id, operation, source) VALUES ('products', '${PRODUCT}', 'upsert', 'webhook')
            ON CONFLICT (entity_type, zoho_id) WHERE status = 'pending' DO NOTHING`,
  complete: `UPDATE tds_sync_queue SET status = 'completed', completed_at = now() WHERE zoho_id = '${PRODUCT}' AND status = 'processing'`,
  deadLetter: `WITH moved AS (DELETE FROM tds_sync_queue WHERE zoho_id = '${PRODUCT}' AND status = 'processing' RETURNING id, entity_type, zoho_id, operation)
               INSERT INTO tds_dead_letter_queue (original_queue_id, entity_type, zoho_id, operation, error) SELECT id, entity_type, zoho_id, operation, 'boom' FROM moved`,
  apply: `UPDATE products SET last_synced_at = clock_timestamp(), name = 'applied ' || clock_timestamp() WHERE zoho_item_id = '${PRODUCT}'`,
  resolve: `UPDATE tds_dead_letter_queue SET resolved_at = now() WHERE zoho_id = '${PRODUCT}' AND resolved_at IS NULL`,
  // The apply of a record not stored yet (versioned-upsert's shape).
  insert: `INSERT INTO products (zoho_item_id, name, last_synced_at) VALUES ('${PRODUCT}', 'inserted', clock_timestamp())
           ON CONFLICT (zoho_item_id) DO UPDATE SET last_synced_at = clock_timestamp()`,
};

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
async function reset(random: () => number): Promise<void> {
  await database.pool.query(`DELETE FROM tds_sync_queue WHERE zoho_id = $1`, [PRODUCT]);
  await database.pool.query(`DELETE FROM tds_dead_letter_queue WHERE zoho_id = $1`, [PRODUCT]);
  await database.pool.query(`DELETE FROM products WHERE zoho_item_id = $1`, [PRODUCT]);
  if (random() < 0.7) {
    await database.pool.query(`INSERT INTO products (zoho_item_id, name, last_synced_at) VALUES ($1, 'race', now() - interval '1 hour')`, [PRODUCT]);
  }
  if (random() < 0.5) {
    await database.pool.query(`INSERT INTO tds_dead_letter_queue (entity_type, zoho_id, operation, error) VALUES ('products', $1, 'upsert', 'earlier')`, [PRODUCT]);
  }
  if (random() < 0.8) {
    await database.pool.query(
      `INSERT INTO tds_sync_queue (entity_type, zoho_id, operation, status, locked_by, locked_until) VALUES ('products', $1, 'upsert', 'processing', 'w', now() + interval '1 minute')`,
      [PRODUCT],
    );
  }
}

async function runPair(random: () => number, first: Operation, second: Operation): Promise<string[]> {
  const errors: string[] = [];
  const run = (client: pg.PoolClient, text: string) => client.query(text).catch((error: { code?: string }) => void errors.push(error.code ?? 'error'));
  const [x, y] = random() < 0.5 ? [a, b] : [b, a];
  await x.query('BEGIN');
  await y.query('BEGIN');
  const xRunning = run(x, STATEMENTS[first]);
  await untilDoneOrBlocked(x, xRunning);
  const yRunning = run(y, STATEMENTS[second]);
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
});
