import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProduct, applyStockLevels, createApplyContext, deleteProduct, type ApplyContext } from '../src/apply';
import { databaseNow } from '../src/apply/ask-time';
import { applyingFetchedRecord, DeletedRowNeedsCheckError } from '../src/apply/record-origin';
import { item, rawItem, zohoTime } from './apply-fixtures';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// What the chaos runs found: a stock refresh fetched before an item was deleted in Zoho, applied
// after the deletion, brought the deleted item's stock rows back to life - first at the deleted
// version, then (once only newer versions restored) with a newer version fetched before a deletion
// confirmed without one (docs/deletions.md). Only the moment Zoho was asked decides.

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
  it('leaves its stock rows deleted when fetched before the deletion, whatever its version, and asks for a new check', async () => {
    const raw = rawItem();
    const id = String(raw.item_id);
    await applyProduct(t.db, item(raw), ctx);
    expect(await liveStock(id)).toHaveLength(2);
    const askedAt = await databaseNow(t.db);
    // Confirmed by a 404 without a version (the stock route, a sync's fetch): the stored version stays.
    expect(await deleteProduct(t.db, id, ctx)).toBe('deleted');

    for (const version of [raw.last_modified_time, zohoTime('2025-06-04T09:00:00+03:00')]) {
      await expect(applyingFetchedRecord(askedAt, () => applyStockLevels(t.db, item({ ...raw, last_modified_time: version }), ctx))).rejects.toBeInstanceOf(DeletedRowNeedsCheckError);
      expect(await liveStock(id)).toEqual([]);
      expect((await productOf(id)).deleted_at).toBeInstanceOf(Date);
    }
  });

  it('restores the item, stock included, when Zoho was asked after the deletion (a wrong deletion), at the deleted version too', async () => {
    const raw = rawItem();
    const id = String(raw.item_id);
    await applyProduct(t.db, item(raw), ctx);
    await deleteProduct(t.db, id, ctx, item(raw));

    expect(await applyingFetchedRecord(await databaseNow(t.db), () => applyStockLevels(t.db, item(raw), ctx))).toBe('restored');
    expect(await liveStock(id)).toHaveLength(2);
    expect(await productOf(id)).toMatchObject({ deleted_at: null, is_active: true });
  });
});
