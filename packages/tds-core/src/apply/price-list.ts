import type { ZohoPricebook } from '@tsh/zoho-client';
import { transformPriceList, type PriceListItemRow, type PriceListRow } from '../transform/price-list';
import type { PriceRole } from '../transform/price-role';
import type { ApplyContext } from './apply-context';
import { replacePriceListItems } from './price-list-items';
import { lockPriceRolesExclusive } from './price-role-lock';
import { loadPriceRoleBooks, sameRoleBook, type PriceRoleBooks } from './price-roles';
import { refreshProductPrices } from './product-prices';
import { inRecordTransaction } from './record-transaction';
import { softDeleteChildren, softDeleteRow } from './soft-delete';
import { assertStorableText } from './storable-text';
import { RecordRejectedError, isWritten, type ApplyDb, type ApplyOutcome, type ApplyTx } from './types';
import { upsertVersioned } from './versioned-upsert';

const ROLES: readonly PriceRole[] = ['consumer', 'wholesale'];

interface PreparedPriceList {
  id: string;
  row: Record<string, unknown>;
  items: PriceListItemRow[];
}

/** A fixed-percentage book has no per-item rates; a per-item book without its entries is a list row. */
export function assertEntriesExpected(pricebookId: string, priceList: PriceListRow, hasEntries: boolean): void {
  if (!hasEntries && priceList.pricebook_type !== 'fixed_percentage') {
    throw new RecordRejectedError('pricebook', pricebookId, 'the record has no pricebook_items (a list row); fetch its detail before applying');
  }
}

function preparePriceList(pricebook: ZohoPricebook, ctx: ApplyContext): PreparedPriceList {
  const { priceList, items } = transformPriceList(pricebook);
  assertEntriesExpected(pricebook.pricebook_id, priceList, items !== null);
  const entries = items ?? [];
  const row: Record<string, unknown> = { ...priceList };
  if (ctx.config.keepRaw) row.raw = JSON.stringify(pricebook);
  assertStorableText('pricebook', pricebook.pricebook_id, { row, entries, raw: ctx.config.keepRaw ? pricebook : null });
  return { id: pricebook.pricebook_id, row, items: entries };
}

/**
 * Keeps products' consumer / wholesale prices right after a price list changed: a role whose list
 * changed (rename, deletion, a new list, another percentage or rounding) refreshes that column for
 * every product; a change of the role's own per-item entries refreshes only the items it touched.
 */
async function refreshRoles(tx: ApplyTx, before: PriceRoleBooks, after: PriceRoleBooks, pricebookId: string, changedItems: readonly string[]): Promise<void> {
  for (const role of ROLES) {
    const book = after[role];
    if (!sameRoleBook(before[role], book)) await refreshProductPrices(tx, role, book);
    else if (book?.id === pricebookId && book.percentage === null && changedItems.length > 0) await refreshProductPrices(tx, role, book, changedItems);
  }
}

/**
 * Applies a price book with its entries in one transaction. Price books carry no modification
 * time, so the book is written whenever a value differs; entries are replaced as a set; products
 * whose prices come from this book are updated in the same transaction.
 */
export async function applyPriceList(db: ApplyDb, pricebook: ZohoPricebook, ctx: ApplyContext): Promise<ApplyOutcome> {
  const prepared = preparePriceList(pricebook, ctx);
  return inRecordTransaction(db, ctx, (tx) =>
    writePriceList(tx, ctx, prepared.id, prepared.row, () => replacePriceListItems(tx, prepared.id, prepared.items)),
  );
}

/**
 * The writes of one price book, inside its transaction: the role lock first, the book's row, its
 * entries made equal to what `replaceEntries` gives (returning the item ids that changed), and the
 * products priced from it. Shared by the whole-book apply and the streamed one (price-list-stream.ts).
 */
export async function writePriceList(
  tx: ApplyTx,
  ctx: ApplyContext,
  pricebookId: string,
  row: Record<string, unknown>,
  replaceEntries: () => Promise<string[]>,
): Promise<ApplyOutcome> {
  await lockPriceRolesExclusive(tx);
  const before = await loadPriceRoleBooks(tx, ctx.config);
  const { outcome } = await upsertVersioned(tx, { table: 'price_lists', key: 'zoho_pricebook_id', row });
  const changedItems = await replaceEntries();
  const after = await loadPriceRoleBooks(tx, ctx.config);
  await refreshRoles(tx, before, after, pricebookId, changedItems);
  if (isWritten(outcome)) return outcome;
  return changedItems.length > 0 ? 'updated' : 'unchanged';
}

/** Soft-deletes a price book and its entries; products priced from it lose that price. */
export async function deletePriceList(db: ApplyDb, pricebookId: string, ctx: ApplyContext): Promise<ApplyOutcome> {
  return inRecordTransaction(db, ctx, async (tx) => {
    await lockPriceRolesExclusive(tx);
    const before = await loadPriceRoleBooks(tx, ctx.config);
    const result = await softDeleteRow(tx, 'price_lists', 'zoho_pricebook_id', pricebookId, null);
    if (result !== 'deleted') return 'unchanged';
    await softDeleteChildren(tx, 'price_list_items', 'zoho_pricebook_id', pricebookId);
    const after = await loadPriceRoleBooks(tx, ctx.config);
    await refreshRoles(tx, before, after, pricebookId, []);
    return 'deleted';
  });
}
