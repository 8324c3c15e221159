import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProduct, applyStockLevels, createApplyContext, deleteProduct, type ApplyContext } from '../src/apply';
import { item, rawItem, zohoTime } from './apply-fixtures';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// What the chaos run found: a stock refresh fetched before an item was deleted in Zoho, applied
// after the deletion, brought the deleted item's stock rows back to life.

let t: TestDatabase;
let ctx: ApplyContext;

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = createApplyContext();
});
afterAll(async () => {
  await t?.close();
});

const liveStock = (itemId: string) =>
  t.db.selectFrom('stock_levels').select('zoho_location_id').where('zoho_item_id', '=', itemId).where('deleted_at', 'is', null).execute();
const productOf = (itemId: string) => t.db.selectFrom('products').select(['deleted_at', 'is_active']).where('zoho_item_id', '=', itemId).executeTakeFirstOrThrow();

describe('a stock refresh of a deleted item', () => {
  it('leaves its stock rows deleted when it carries the version that was deleted', async () => {
    const raw = rawItem();
    const id = String(raw.item_id);
    await applyProduct(t.db, item(raw), ctx);
    expect(await liveStock(id)).toHaveLength(2);
    expect(await deleteProduct(t.db, id, ctx, item(raw))).toBe('deleted');

    expect(await applyStockLevels(t.db, item(raw), ctx)).not.toBe('updated');
    expect(await liveStock(id)).toEqual([]);
    expect((await productOf(id)).deleted_at).toBeInstanceOf(Date);
  });

  it('restores the item, stock included, when it carries a newer version', async () => {
    const raw = rawItem();
    const id = String(raw.item_id);
    await applyProduct(t.db, item(raw), ctx);
    await deleteProduct(t.db, id, ctx, item(raw));

    const newer = { ...raw, last_modified_time: zohoTime('2025-06-04T09:00:00+03:00') };
    expect(await applyStockLevels(t.db, item(newer), ctx)).toBe('restored');
    expect(await liveStock(id)).toHaveLength(2);
    expect(await productOf(id)).toMatchObject({ deleted_at: null, is_active: true });
  });
});
