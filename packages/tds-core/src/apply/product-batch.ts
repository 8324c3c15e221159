import type { ZohoItem } from '@tsh/zoho-client';
import { sql } from 'kysely';
import { withRetryOn } from '../queue/retry-on';
import type { ApplyContext } from './apply-context';
import { lockPriceRolesSharedAndLoadBooks } from './price-roles-locked';
import { linkUncachedCategories } from './product-batch-links';
import { replaceStockLevelsOfMany } from './product-batch-stock';
import { upsertProductsVersioned, type ProductUpsertInput } from './product-batch-upsert';
import { applyProduct, prepareProduct, type PreparedProduct } from './product';
import { applyingCarriedRecord, applyingFetchedRecord, DeletedRowNeedsCheckError } from './record-origin';
import type { ApplyDb, ApplyOutcome, ApplyTx } from './types';

/** A record to apply and where it comes from (record-origin.ts): a delivered copy, or Zoho's answer to a request made at `askedAt`. */
export interface ProductBatchEntry {
  item: ZohoItem;
  origin: { kind: 'carried' } | { kind: 'fetched'; askedAt: string };
}

export type ProductBatchResult = { applied: ApplyOutcome } | { error: unknown };

const RERUN_CODES = ['40P01', '40001'];
const FOREIGN_KEY_VIOLATION = '23503';

/**
 * Applies many Zoho items in one transaction with a fixed number of statements, whatever the batch
 * size (docs/apply-batches.md): the shared price-role lock first, the role books read under it,
 * one version-guarded upsert of every products row with its prices and cached category link (the
 * newer-version and restore rules inside the statement, per row), the categories the cache does not
 * vouch for upserted and linked in two more, one statement replacing the stock-row sets. Results are per entry, in input order, the same as applyProduct
 * would give one at a time.
 *
 * A bad record never holds the others up: records that cannot be stored fail the validation pass
 * (prepareProduct, before any transaction) and get their own error; if the batch transaction still
 * fails (a value the database refuses), the batch is applied again one record at a time, so the
 * bad record fails alone with the database's reason and the rest commit. Deadlocks and
 * serialization failures re-run the whole batch. A record whose product appears twice in the batch,
 * or that has no version (its guard compares values, versioned-upsert.ts), is applied one at a time
 * after the batch.
 */
export async function applyProducts(db: ApplyDb, entries: readonly ProductBatchEntry[], ctx: ApplyContext): Promise<ProductBatchResult[]> {
  const results = new Array<ProductBatchResult | undefined>(entries.length);
  const batch: { index: number; prepared: PreparedProduct; askedAt: string | null }[] = [];
  const alone: number[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    let prepared: PreparedProduct;
    try {
      prepared = prepareProduct(entry.item, ctx);
    } catch (error) {
      results[index] = { error };
      return;
    }
    // Alone records run after the batch: once a product goes alone, its later records follow it, so
    // each product's records are still applied in batch order.
    const id = prepared.item.item_id;
    const first = !seen.has(id);
    seen.add(id);
    if (!first || prepared.transformed.product.zoho_last_modified_time === null) {
      alone.push(index);
      return;
    }
    batch.push({ index, prepared, askedAt: entry.origin.kind === 'fetched' ? entry.origin.askedAt : null });
  });

  if (batch.length > 0) {
    const outcomes = await applyPreparedBatch(db, batch, ctx).catch(() => null);
    if (outcomes === null) alone.push(...batch.map((b) => b.index));
    else batch.forEach((b, n) => (results[b.index] = outcomes[n]));
  }
  alone.sort((a, b) => a - b);
  for (const index of alone) results[index] = await applyOne(db, entries[index], ctx);
  return results.map((r) => r ?? { error: new Error('no result for this record') });
}

/** The one-record path (product.ts) under the entry's origin. */
async function applyOne(db: ApplyDb, entry: ProductBatchEntry, ctx: ApplyContext): Promise<ProductBatchResult> {
  const run = () => applyProduct(db, entry.item, ctx);
  try {
    return { applied: await (entry.origin.kind === 'fetched' ? applyingFetchedRecord(entry.origin.askedAt, run) : applyingCarriedRecord(run)) };
  } catch (error) {
    return { error };
  }
}

/** The batch transaction, re-run on deadlock, and once with fresh caches on a foreign-key violation (record-transaction.ts). */
async function applyPreparedBatch(
  db: ApplyDb,
  batch: readonly { prepared: PreparedProduct; askedAt: string | null }[],
  ctx: ApplyContext,
): Promise<ProductBatchResult[]> {
  const once = () =>
    withRetryOn(RERUN_CODES, async () => {
      const effects: Array<() => void> = [];
      const result = await db.transaction().execute((tx) => writeBatch(tx, batch, ctx, (effect) => effects.push(effect)));
      for (const effect of effects) effect();
      return result;
    });
  try {
    return await once();
  } catch (error) {
    ctx.categories.clear();
    if ((error as { code?: unknown }).code !== FOREIGN_KEY_VIOLATION) throw error;
  }
  try {
    return await once();
  } catch (error) {
    ctx.categories.clear();
    throw error;
  }
}

async function writeBatch(
  tx: ApplyTx,
  batch: readonly { prepared: PreparedProduct; askedAt: string | null }[],
  ctx: ApplyContext,
  onCommit: (effect: () => void) => void,
): Promise<ProductBatchResult[]> {
  // First statement of the transaction; the role books are read after the lock was granted, and the
  // products' sync_status keys are taken before any row lock (price-roles-locked.ts).
  const books = await lockPriceRolesSharedAndLoadBooks(
    tx,
    ctx.config,
    batch.map((b) => b.prepared.item.item_id),
  );
  // The cache vouches for a category only until a record of the batch missed it: from then on, in
  // batch order, that category is upserted and linked after the rows (as one record after another would).
  const missed = new Set<string>();
  const inputs: ProductUpsertInput[] = batch.map((b) => {
    const category = b.prepared.transformed.category;
    let categoryId: string | null = null;
    if (category) {
      const cached = ctx.categories.get(category.zoho_category_id);
      if (cached && !missed.has(category.zoho_category_id) && (category.name === null || category.name === cached.name)) categoryId = cached.id;
      else missed.add(category.zoho_category_id);
    }
    return { row: b.prepared.row, item: b.prepared.item, askedAt: b.askedAt, keepRaw: ctx.config.keepRaw, categoryId };
  });
  const upserted = await upsertProductsVersioned(tx, inputs, books);

  const written = batch.flatMap((b, n) => (upserted[n].id !== null ? [{ prepared: b.prepared, id: upserted[n].id!, categoryId: inputs[n].categoryId }] : []));
  const uncached = written.filter((w) => w.prepared.transformed.category !== null && w.categoryId === null);
  if (uncached.length > 0) await linkUncachedCategories(tx, uncached, ctx, onCommit);
  const withStock = written.filter((w) => w.prepared.transformed.stockLevels !== null);
  if (withStock.length > 0) {
    await replaceStockLevelsOfMany(
      tx,
      withStock.map((w) => ({ itemId: w.prepared.item.item_id, rows: w.prepared.transformed.stockLevels!, version: w.prepared.transformed.product.zoho_last_modified_time })),
    );
  }
  return upserted.map((u, n): ProductBatchResult =>
    u.outcome === 'needs_check' ? { error: new DeletedRowNeedsCheckError('products', batch[n].prepared.item.item_id) } : { applied: u.outcome },
  );
}
