import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApplyContext } from '../src/apply';
import { applyProducts, type ProductBatchEntry } from '../src/apply/product-batch';
import type { Database } from '../src/db/schema';
import { enqueueMany } from '../src/queue';
import { item, rawItem } from './apply-fixtures';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// Batch applies inserting disjoint new products, whose sync_status keys (hashtext(id) & 127, 0011 /
// 0020, docs/seed-schema.md) interleave in insertion order, racing each other and a bulk enqueue of
// new products, in many seeded rounds: no deadlock (40P01, even one the batch re-ran), no inserting
// apply ever waiting for another one on a key, and every product's sync_status the committed state's at the
// end. With the products INSERT taking its key exclusively row by row (before 0020) the applies wait
// for each other and deadlock.

const ROUNDS = 24;
const PRODUCTS = 72;

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function record(id: string): ProductBatchEntry {
  // No category and no stock rows: the only thing these batches can share is a sync_status key.
  const raw = rawItem({ item_id: id, name: `product ${id}`, category_id: '', category_name: '', locations: [], last_modified_time: '2025-06-03T14:22:47+0300' });
  return { item: item(raw), origin: { kind: 'carried' } };
}

interface Writer {
  name: string;
  db: Kysely<Database>;
  pool: pg.Pool;
}

let t: TestDatabase;
const writers: Writer[] = [];
const errorCodes: string[] = [];

function writer(name: string): Writer {
  // A short deadlock_timeout so a deadlock is found within the round, not after a second.
  const pool = new pg.Pool({ connectionString: t.url, max: 2, application_name: name, options: '-c deadlock_timeout=20ms' });
  pool.on('error', () => {});
  const log = (event: LogEvent) => {
    if (event.level === 'error') errorCodes.push(`${name}: ${String((event.error as { code?: unknown }).code ?? event.error)}`);
  };
  const w = { name, pool, db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log }) };
  writers.push(w);
  return w;
}

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  for (const w of writers) await w.db.destroy();
  await t?.close();
});

/**
 * Samples waits for a sync_status key (advisory, class 15) until stopped: every "waiter <- blocker"
 * pair of this database's writers. Other waits between applies (their commits' NOTIFY lock, a
 * relation extension) are not the keys' and not counted.
 */
function watchKeyWaits(): { stop(): Promise<Set<string>> } {
  const pairs = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await t.pool.query<{ waiter: string; blocker: string }>(`
        SELECT w.application_name AS waiter, b.application_name AS blocker
        FROM pg_stat_activity w
        JOIN pg_locks l ON l.pid = w.pid AND NOT l.granted AND l.locktype = 'advisory' AND l.classid = 15 AND l.objsubid = 2
        CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS bp(pid)
        JOIN pg_stat_activity b ON b.pid = bp.pid
        WHERE w.datname = current_database()`);
      for (const r of rows) pairs.add(`${r.waiter} <- ${r.blocker}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return pairs;
    },
  };
}

describe('inserting batch applies against each other and a bulk enqueue', () => {
  it(`never deadlock nor wait for each other, and leave every sync_status right (${ROUNDS} seeded rounds)`, { timeout: 300_000 }, async () => {
    const appliers = [writer('tds-apply-1'), writer('tds-apply-2'), writer('tds-apply-3')];
    const enqueuer = writer('tds-enqueue');
    const waits = new Set<string>();
    let inserted = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const random = seeded(2000 + round);
      const ids = Array.from({ length: PRODUCTS }, (_, n) => `keys-${round}-${n}`);
      // Two or three appliers, each a disjoint share of the ids (so their keys interleave in id order).
      const active = appliers.slice(0, 2 + Math.floor(random() * 2));
      const shares: string[][] = active.map(() => []);
      const enqueued: string[] = [];
      for (const id of ids) {
        if (random() < 0.85) shares[Math.floor(random() * active.length)]!.push(id);
        if (random() < 0.4) enqueued.push(id);
      }
      const delays = [...active, enqueuer].map(() => Math.floor(random() * 4));
      const watch = watchKeyWaits();
      const results = await Promise.all([
        ...active.map(async (w, k) => {
          await new Promise((resolve) => setTimeout(resolve, delays[k]));
          return applyProducts(w.db, shares[k]!.map(record), createApplyContext());
        }),
        (async () => {
          await new Promise((resolve) => setTimeout(resolve, delays[active.length]));
          await enqueueMany(enqueuer.db, enqueued.map((id) => ({ entity_type: 'products', zoho_id: id, source: 'webhook' as const })));
          return [];
        })(),
      ]);
      for (const pair of await watch.stop()) waits.add(pair);
      for (const outcome of results.flat()) {
        if ('error' in outcome) errorCodes.push(`apply: ${String(outcome.error)}`);
      }
      inserted += shares.flat().length;

      const { rows } = await t.pool.query<{ zoho_item_id: string; stored: string; truth: string }>(
        `SELECT zoho_item_id, sync_status AS stored, tds_product_sync_status(zoho_item_id, last_synced_at) AS truth
         FROM products WHERE zoho_item_id LIKE $1`,
        [`keys-${round}-%`],
      );
      expect(rows.length).toBe(shares.flat().length);
      const wrong = rows.filter((r) => r.stored !== r.truth).map((r) => `${r.zoho_item_id}: ${r.stored}, committed state says ${r.truth}`);
      expect(wrong, `round ${round}`).toEqual([]);
      // The enqueued products that were applied are the ones whose word is 'pending'.
      const pending = rows.filter((r) => r.stored === 'pending').map((r) => r.zoho_item_id).sort();
      expect(pending).toEqual(enqueued.filter((id) => shares.some((s) => s.includes(id))).sort());
    }
    expect(inserted).toBeGreaterThan(ROUNDS * PRODUCTS * 0.8);
    const applyWaitsForApply = [...waits].filter((pair) => /^tds-apply-\d <- tds-apply-\d$/.test(pair));
    expect({ errorCodes, applyWaitsForApply }).toEqual({ errorCodes: [], applyWaitsForApply: [] });
  });
});
