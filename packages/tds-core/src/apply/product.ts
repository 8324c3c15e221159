import type { ZohoItem } from '@tsh/zoho-client';
import { transformProduct, type ProductTransform } from '../transform/product';
import type { ApplyContext } from './apply-context';
import { ensureCategory } from './category';
import { lockPriceRolesShared } from './price-role-lock';
import { loadPriceRoleBooks } from './price-roles';
import { linkProduct } from './product-prices';
import { inRecordTransaction } from './record-transaction';
import { prepareForTombstone, softDeleteChildren, softDeleteRow } from './soft-delete';
import { replaceStockLevels } from './stock-level-rows';
import { assertStorableText } from './storable-text';
import { isWritten, type ApplyDb, type ApplyOutcome, type ApplyTx } from './types';
import { upsertVersioned } from './versioned-upsert';

/** The products columns a Zoho item fills (prices and the category link are set after the upsert). */
export function productColumns(transformed: ProductTransform, item: ZohoItem, keepRaw: boolean): Record<string, unknown> {
  const p = transformed.product;
  const row: Record<string, unknown> = {
    zoho_item_id: p.zoho_item_id,
    name: p.name,
    name_ar: p.name_ar,
    description: p.description,
    sku: p.sku,
    barcode: p.barcode,
    available_stock: p.available_stock,
    unit_price: p.unit_price,
    is_active: p.is_active,
    zoho_category_id: p.zoho_category_id,
    zoho_last_modified_time: p.zoho_last_modified_time,
  };
  if (keepRaw) row.raw = JSON.stringify(item);
  return row;
}

export interface PreparedProduct {
  item: ZohoItem;
  transformed: ProductTransform;
  row: Record<string, unknown>;
}

/** Transforms and checks an item before any transaction opens; throws RecordRejectedError / ZohoValidationError. */
export function prepareProduct(item: ZohoItem, ctx: ApplyContext): PreparedProduct {
  const transformed = transformProduct(item, ctx.config);
  const row = productColumns(transformed, item, ctx.config.keepRaw);
  assertStorableText('item', item.item_id, { row, category: transformed.category, stock: transformed.stockLevels, raw: ctx.config.keepRaw ? item : null });
  return { item, transformed, row };
}

/**
 * The product's writes inside an open record transaction (also used by the stock applier). The
 * transaction must have taken the shared price-role lock as its first statement (price-role-lock.ts),
 * so the role books and rates read here are never older than a price list that missed this product.
 */
export async function writeProduct(
  tx: ApplyTx,
  prepared: PreparedProduct,
  ctx: ApplyContext,
  onCommit: (effect: () => void) => void,
): Promise<ApplyOutcome> {
  const { item, transformed, row } = prepared;
  const { outcome, id } = await upsertVersioned(tx, { table: 'products', key: 'zoho_item_id', row });
  if (!isWritten(outcome) || id === null) return outcome;
  const categoryId = transformed.category ? await ensureCategory(tx, transformed.category, ctx, onCommit) : null;
  await linkProduct(tx, id, categoryId, await loadPriceRoleBooks(tx, ctx.config));
  if (transformed.stockLevels) await replaceStockLevels(tx, item.item_id, transformed.stockLevels, transformed.product.zoho_last_modified_time);
  return outcome;
}

/**
 * Applies a Zoho item in one transaction: the products row (guarded by its version), its category
 * (upserted first when new or renamed), its consumer / wholesale prices from the stored price
 * lists, and its stock per location when the record carries `locations[]` or `warehouses[]`.
 */
export async function applyProduct(db: ApplyDb, item: ZohoItem, ctx: ApplyContext): Promise<ApplyOutcome> {
  const prepared = prepareProduct(item, ctx);
  return inRecordTransaction(db, ctx, async (tx, onCommit) => {
    await lockPriceRolesShared(tx);
    return writeProduct(tx, prepared, ctx, onCommit);
  });
}

/**
 * Soft-deletes an item deleted in Zoho, with its stock rows. When no row exists yet and the deletion carries the
 * record, the record is stored as deleted, so a late-arriving older version cannot bring it back.
 */
export async function deleteProduct(db: ApplyDb, itemId: string, ctx: ApplyContext, record?: ZohoItem): Promise<ApplyOutcome> {
  const tombstone = record && record.item_id === itemId ? prepareForTombstone(() => prepareProduct(record, ctx)) : null;
  return inRecordTransaction(db, ctx, async (tx, onCommit) => {
    await lockPriceRolesShared(tx);
    const version = record?.last_modified_time ?? null;
    let result = await softDeleteRow(tx, 'products', 'zoho_item_id', itemId, version);
    if (result === 'missing') {
      if (!tombstone) return 'unchanged';
      await writeProduct(tx, tombstone, ctx, onCommit);
      result = await softDeleteRow(tx, 'products', 'zoho_item_id', itemId, null);
    }
    if (result !== 'deleted') return result === 'stale' ? 'stale' : 'unchanged';
    await softDeleteChildren(tx, 'stock_levels', 'zoho_item_id', itemId);
    return 'deleted';
  });
}
