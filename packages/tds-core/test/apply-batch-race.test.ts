import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApplyContext } from '../src/apply';
import { applyProducts, type ProductBatchEntry } from '../src/apply/product-batch';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { item, rawItem } from './apply-fixtures';

// Two workers applying overlapping batches of the same products at different versions, in many
// seeded interleavings (docs/apply-batches.md): whatever order the statements of the two batch
// transactions run in, each product ends at the newest version either batch carried, with that
// version's name, price and stock set (each version lists other locations, so the newest one's set
// replaces what an older one left). The version guard inside the batch upsert is what makes it so:
// without it, whichever batch commits last wins, older or not; without the stock statement's removal
// of locations no longer listed, an older version's locations survive.

const ROUNDS = 40;
const RECORDS = 8;
const VERSIONS = 5;

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

const versionTime = (v: number) => `2025-06-0${v}T10:00:00+0300`;

/** Version v's stock rows: v locations, shifted by version, so a newer version drops locations an older one listed. */
const locationsOf = (v: number) => Array.from({ length: v }, (_, l) => ({ id: `L${(l + 2 * v) % 7}`, onHand: `${v}.${l}` }));

/** Version v of product n: every value says which version wrote it. */
function record(round: number, n: number, v: number) {
  return item(
    rawItem({
      item_id: `race-${round}-${n}`,
      name: `product ${n} v${v}`,
      rate: 1000 * v + n,
      category_id: `cat-${v}`,
      category_name: `Category v${v}`,
      last_modified_time: versionTime(v),
      locations: locationsOf(v).map((location) => ({
        location_id: location.id,
        location_name: `Store ${location.id}`,
        location_stock_on_hand: location.onHand,
        location_available_stock: `${v}`,
        location_actual_available_stock: `${v}`,
      })),
    }),
  );
}

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe('batch apply races', () => {
  it(`keeps the newest version of every product whatever two overlapping batches interleave (${ROUNDS} seeded rounds)`, { timeout: 240_000 }, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const random = seeded(1000 + round);
      const newest = new Map<number, number>();
      // Some products are stored already, at some version.
      for (let n = 0; n < RECORDS; n++) {
        if (random() < 0.4) {
          const v = 1 + Math.floor(random() * VERSIONS);
          await applyProducts(t.db, [{ item: record(round, n, v), origin: { kind: 'carried' } }], createApplyContext());
          newest.set(n, v);
        }
      }
      const batchOf = (): ProductBatchEntry[] => {
        const entries: ProductBatchEntry[] = [];
        for (let n = 0; n < RECORDS; n++) {
          if (random() < 0.75) {
            const v = 1 + Math.floor(random() * VERSIONS);
            entries.push({ item: record(round, n, v), origin: { kind: 'carried' } });
            newest.set(n, Math.max(newest.get(n) ?? 0, v));
          }
        }
        // Each worker's batch in its own order, so the two meet the rows in different orders too.
        return entries.sort(() => random() - 0.5);
      };
      const a = batchOf();
      const b = batchOf();
      const delay = Math.floor(random() * 4);
      const [ra, rb] = await Promise.all([
        applyProducts(t.db, a, createApplyContext()),
        new Promise((resolve) => setTimeout(resolve, delay)).then(() => applyProducts(t.db, b, createApplyContext())),
      ]);
      for (const result of [...ra, ...rb]) expect(result, `round ${round}`).toHaveProperty('applied');

      const { rows } = await sql<{ zoho_item_id: string; name: string; unit_price: string; version: Date; category: string; stock: string[] }>`
        SELECT p.zoho_item_id, p.name, p.unit_price::text AS unit_price, p.zoho_last_modified_time AS version, c.zoho_category_id AS category,
               coalesce((SELECT array_agg(s.zoho_location_id || '=' || s.stock_on_hand::text ORDER BY s.zoho_location_id) FROM stock_levels s WHERE s.zoho_item_id = p.zoho_item_id), '{}') AS stock
        FROM products p LEFT JOIN categories c ON c.id = p.category_id
        WHERE p.zoho_item_id LIKE ${`race-${round}-%`}`.execute(t.db);
      expect(rows.length, `round ${round}`).toBe(newest.size);
      for (const row of rows) {
        const n = Number(row.zoho_item_id.split('-')[2]);
        const v = newest.get(n)!;
        expect({ round, ...row, version: row.version.toISOString() }).toEqual({
          round,
          zoho_item_id: row.zoho_item_id,
          name: `product ${n} v${v}`,
          unit_price: String(1000 * v + n),
          version: new Date(versionTime(v).replace(/(\d{2})(\d{2})$/, '$1:$2')).toISOString(),
          category: `cat-${v}`,
          stock: locationsOf(v)
            .map((location) => `${location.id}=${location.onHand}`)
            .sort(),
        });
      }
    }
  });
});
