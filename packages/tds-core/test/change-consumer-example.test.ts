import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPriceCache } from '../../../examples/change-consumer/src/price-cache';
import { applyPriceList, applyProduct, createApplyContext, deleteProduct } from '../src/apply';
import { item, pricebook, rawItem, rawPricebook } from './apply-fixtures';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { waitFor } from './helpers/wait-for';

// examples/change-consumer: the price cache follows applies, price list refreshes and deletions.

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe('examples/change-consumer price cache', () => {
  it('loads the table, then follows the feed: a new product, a price list refresh, a rate change, a deletion', async () => {
    const ctx = createApplyContext();
    const first = rawItem();
    await applyProduct(t.db, item(first), ctx);
    const cache = await startPriceCache(t, { consumer: 'example-test' });
    try {
      expect(cache.get(String(first.item_id))).toMatchObject({ unit_price: '12500', consumer_price: null });

      const second = rawItem({ rate: '990.50' });
      await applyProduct(t.db, item(second), ctx);
      await waitFor(() => cache.get(String(second.item_id)), { label: 'the new product cached' });
      expect(cache.get(String(second.item_id))).toMatchObject({ unit_price: '990.50' });

      await applyPriceList(t.db, pricebook(rawPricebook([{ item_id: String(first.item_id), pricebook_rate: '13750.000' }])), ctx);
      await waitFor(() => cache.get(String(first.item_id))?.consumer_price === '13750.000', { label: 'the consumer price refreshed' });

      await sql`UPDATE products SET unit_price = 13000 WHERE zoho_item_id = ${String(first.item_id)}`.execute(t.db);
      await waitFor(() => cache.get(String(first.item_id))?.unit_price === '13000', { label: 'the rate change' });

      await deleteProduct(t.db, String(second.item_id), ctx);
      await waitFor(() => cache.get(String(second.item_id)) === undefined, { label: 'the deleted product dropped' });
      expect(cache.size).toBe(1);
    } finally {
      await cache.stop();
    }
  });
});
