import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyPriceList, applyStockLevels, createApplyContext, type ApplyContext } from '../src/apply';
import { applyProducts } from '../src/apply/product-batch';
import { item, pricebook } from './apply-fixtures';
import type { PriceRaceOp } from './fixtures/price-race-ops';
import { priceRaceScenario, seededRandom } from './fixtures/price-race-scenario';
import { findWrongPrices } from './helpers/expected-prices';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// price-race.test.ts for the set-based apply (docs/apply-batches.md, docs/prices.md): products applied
// in batches (applyProducts: the shared price-role lock and the role books read after it in one call,
// migration 0019) racing price-list applies must never miss each other - afterwards every product's
// consumer / wholesale price is what the stored lists give it.

const ROUNDS = 25;
const SEED = Number(process.env.PRICE_RACE_SEED ?? 20_261_206) + 7;

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase({ maxConnections: 12 });
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE products, categories, stock_levels, price_lists, price_list_items RESTART IDENTITY CASCADE`.execute(t.db);
});

/** Appliers taking the next op as soon as they are free; an item op takes up to `size - 1` item ops after it into one batch (sizes seeded). */
async function runBatchedRaceOps(ops: readonly PriceRaceOp[], contexts: readonly ApplyContext[], random: ReturnType<typeof seededRandom>): Promise<void> {
  let next = 0;
  await Promise.all(
    contexts.map(async (ctx) => {
      while (next < ops.length) {
        const op = ops[next++]!;
        if (op.kind === 'pricebook') await applyPriceList(t.db, pricebook(op.raw), ctx);
        else if (op.kind === 'stock') await applyStockLevels(t.db, item(op.raw), ctx);
        else {
          const batch = [op];
          const size = random.int(1, 6);
          while (batch.length < size && next < ops.length && ops[next]!.kind === 'item') batch.push(ops[next++]!);
          const results = await applyProducts(t.db, batch.map((b) => ({ item: item(b.raw), origin: { kind: 'carried' as const } })), ctx);
          for (const result of results) if ('error' in result) throw result.error;
        }
      }
    }),
  );
}

describe('batched product applies and price-list applies racing', () => {
  it(`every seeded interleaving (${ROUNDS} rounds, 4 appliers) leaves every price equal to its list`, async () => {
    const nextRound = priceRaceScenario(SEED);
    const random = seededRandom(SEED);
    const contexts = Array.from({ length: 4 }, () => createApplyContext());
    for (let round = 0; round < ROUNDS; round++) {
      await runBatchedRaceOps(nextRound(round), contexts, random);
      const wrong = await findWrongPrices(t.db);
      expect(wrong, `seed ${SEED}, round ${round}: products whose price misses its list`).toEqual([]);
    }
    const { rows } = await sql<{ priced: string }>`SELECT count(*) FILTER (WHERE consumer_price IS NOT NULL) AS priced FROM products`.execute(t.db);
    expect(Number(rows[0]!.priced)).toBeGreaterThan(0);
  }, 240_000);
});
