import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPriceList, applyProduct, createApplyContext, type ApplyContext } from '../src/apply';
import { applyProducts, type ProductBatchEntry } from '../src/apply/product-batch';
import { applyingCarriedRecord, applyingFetchedRecord } from '../src/apply/record-origin';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { item, pricebook, rawItem, rawPricebook } from './apply-fixtures';

// The batch applier (docs/apply-batches.md) must leave exactly what applying the same records one at
// a time leaves, with the same outcome per record: two databases, the same seeded history of stored,
// soft-deleted and price-listed products, then the same batches - through applyProducts in one and
// applyProduct record by record in the other - and every row compared.

const ROUNDS = 30;

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

let batched: TestDatabase;
let single: TestDatabase;

beforeAll(async () => {
  [batched, single] = await Promise.all([createTestDatabase(), createTestDatabase()]);
});
afterAll(async () => {
  await Promise.all([batched?.close(), single?.close()]);
});

const time = (day: number) => `2025-06-${String(day).padStart(2, '0')}T10:00:00+0300`;
// Ask times and deletion times on both sides of each other (restore rule).
const ASKED = ['2026-01-10T00:00:00Z', '2026-01-20T00:00:00Z'];
const DELETED = ['2026-01-05T00:00:00Z', '2026-01-15T00:00:00Z', '2026-01-25T00:00:00Z'];

function randomItem(random: () => number, round: number, n: number) {
  const pick = <T,>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  const day = 1 + Math.floor(random() * 6);
  const locations = Array.from({ length: Math.floor(random() * 3) }, (_, l) => ({
    location_id: `L${pick([l, l + 1])}`,
    location_name: pick(['Baghdad', 'Basra', null]),
    location_stock_on_hand: pick(['1.5', '20', '0']),
    location_available_stock: pick(['1', '3.25']),
    location_actual_available_stock: '1',
  }));
  const raw = rawItem({
    item_id: `eq-${round}-${n}`,
    name: pick(['Cable', 'Charger', 'Hub']) + ` ${day}`,
    rate: pick([1000, '12.5', '0.333']),
    // A category's name depends on its id only: which of two names given in one batch is kept depends
    // on the order records are applied in, and records without a version are applied after the batch.
    ...pick([{ category_id: 'cat-a', category_name: 'Cables' }, { category_id: 'cat-b', category_name: undefined }, { category_id: '' }]),
    last_modified_time: random() < 0.1 ? undefined : time(day),
    ...(random() < 0.2 ? { locations: undefined } : { locations }),
  });
  // A record that can never be stored (docs: a NUL in a string is refused before any write).
  if (random() < 0.08) raw.name = 'bad\u0000name';
  return item(raw);
}

async function applyOneByOne(db: TestDatabase['db'], entries: ProductBatchEntry[], ctx: ApplyContext) {
  const results: unknown[] = [];
  for (const entry of entries) {
    const run = () => applyProduct(db, entry.item, ctx);
    try {
      results.push({ applied: await (entry.origin.kind === 'fetched' ? applyingFetchedRecord(entry.origin.askedAt, run) : applyingCarriedRecord(run)) });
    } catch (error) {
      results.push({ error: (error as Error).name });
    }
  }
  return results;
}

const state = async (db: TestDatabase['db']) => {
  const products = await sql`
    SELECT p.zoho_item_id, p.name, p.name_ar, p.sku, p.barcode, p.available_stock::text, p.unit_price::text, p.consumer_price::text, p.wholesale_price::text,
           p.is_active, p.zoho_category_id, c.zoho_category_id AS linked_category, p.zoho_last_modified_time, p.deleted_at, p.sync_status
    FROM products p LEFT JOIN categories c ON c.id = p.category_id ORDER BY p.zoho_item_id`.execute(db);
  const categories = await sql`SELECT zoho_category_id, name, is_active, deleted_at FROM categories ORDER BY zoho_category_id`.execute(db);
  const stock = await sql`SELECT zoho_item_id, zoho_location_id, location_name, stock_on_hand::text, available_stock::text, actual_available_stock::text, deleted_at FROM stock_levels ORDER BY 1, 2`.execute(db);
  return { products: products.rows, categories: categories.rows, stock: stock.rows };
};

describe('batch apply of products', () => {
  it(`leaves what one-at-a-time applies leave, with the same outcomes (${ROUNDS} seeded rounds)`, { timeout: 240_000 }, async () => {
    const contexts = { batched: createApplyContext(), single: createApplyContext() };
    // A per-item consumer list and a fixed-percentage wholesale list price every product.
    for (const [db, ctx] of [[batched.db, contexts.batched], [single.db, contexts.single]] as const) {
      await applyPriceList(db, pricebook(rawPricebook([{ item_id: 'eq-0-1', pricebook_rate: '9.75' }], { pricebook_id: 'pb-consumer' })), ctx);
      const { pricebook_items: _none, ...percentage } = rawPricebook([], { pricebook_id: 'pb-wholesale', name: 'Wholesale Price List', pricebook_type: 'fixed_percentage', percentage: '12.5', is_increase: true, rounding_type: 'no_rounding' });
      await applyPriceList(db, pricebook(percentage), ctx);
    }
    let outcomes = 0;
    const kinds = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const random = seeded(round + 7);
      for (let step = 0; step < 3; step++) {
        const entries: ProductBatchEntry[] = Array.from({ length: 2 + Math.floor(random() * 8) }, () => ({
          item: randomItem(random, round, Math.floor(random() * 5)),
          origin: random() < 0.5 ? { kind: 'carried' as const } : { kind: 'fetched' as const, askedAt: ASKED[Math.floor(random() * ASKED.length)]! },
        }));
        const [fromBatch, fromSingle] = await Promise.all([
          applyProducts(batched.db, entries, contexts.batched).then((rs) => rs.map((r) => ('applied' in r ? r : { error: (r.error as Error).name }))),
          applyOneByOne(single.db, entries, contexts.single),
        ]);
        expect(fromBatch, `round ${round} step ${step}`).toEqual(fromSingle);
        outcomes += fromBatch.length;
        for (const r of fromBatch) kinds.add('applied' in r ? String(r.applied) : String(r.error));
        // Between batches, some products are soft-deleted (the same moment in both databases).
        if (random() < 0.5) {
          const deletedAt = DELETED[Math.floor(random() * DELETED.length)];
          const id = `eq-${round}-${Math.floor(random() * 5)}`;
          for (const db of [batched.db, single.db]) {
            await sql`UPDATE products SET deleted_at = ${deletedAt}::timestamptz, last_synced_at = ${deletedAt}::timestamptz, is_active = false WHERE zoho_item_id = ${id}`.execute(db);
          }
        }
      }
      expect(await state(batched.db), `round ${round}`).toEqual(await state(single.db));
    }
    // Every kind of outcome was met, so the comparison covered each rule.
    expect([...kinds].sort()).toEqual(['DeletedRowNeedsCheckError', 'RecordRejectedError', 'ZohoValidationError', 'inserted', 'restored', 'stale', 'unchanged', 'updated']);
    expect(outcomes).toBeGreaterThan(ROUNDS * 3 * 2);
  });
});

describe('batch apply and the change feed', () => {
  it('writes one feed row per applied record per batch, none for records it did not change', async () => {
    const ctx = createApplyContext();
    const ids = Array.from({ length: 10 }, (_, n) => `feed-${n}`);
    const at = (day: number, id: string) => ({ item: item(rawItem({ item_id: id, name: `v${day}`, last_modified_time: time(day) })), origin: { kind: 'carried' as const } });
    await applyProducts(batched.db, ids.map((id) => at(1, id)), ctx);
    // The second batch: half newer, half the same version again.
    const second = await applyProducts(batched.db, ids.map((id, n) => at(n < 5 ? 2 : 1, id)), ctx);
    expect(second.map((r) => ('applied' in r ? r.applied : 'error'))).toEqual([...Array(5).fill('updated'), ...Array(5).fill('unchanged')]);
    const { rows } = await sql<{ zoho_id: string; ops: string[] }>`
      SELECT zoho_id, array_agg(op ORDER BY entry) AS ops FROM tds_changes WHERE zoho_id LIKE 'feed-%' GROUP BY zoho_id ORDER BY zoho_id`.execute(batched.db);
    expect(rows).toEqual(ids.map((id, n) => ({ zoho_id: id, ops: n < 5 ? ['insert', 'update'] : ['insert'] })));
  });
});
