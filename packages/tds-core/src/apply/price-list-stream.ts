import type { ZohoCallOptions, ZohoClient } from '@tsh/zoho-client';
import { transformPriceList } from '../transform/price-list';
import type { ApplyContext } from './apply-context';
import { assertEntriesExpected, writePriceList } from './price-list';
import { replaceEntriesWith } from './price-list-items';
import { assertStagedEntriesUnique, createEntryScratch, stageEntries, stagedEntries } from './price-list-scratch';
import { inRecordTransaction } from './record-transaction';
import { assertStorableText } from './storable-text';
import type { ApplyDb, ApplyOutcome } from './types';

export interface StreamedPriceListOptions {
  /** Entries per chunk read from Zoho and staged at once (default: the client's, 1 000). */
  chunkSize?: number;
  /** The request's options (a queue handler's deadline and longest wait for a rate-limit slot). */
  call?: ZohoCallOptions;
}

/**
 * Asks Zoho for a price book and applies it while its detail is read, so a book of any size takes a
 * chunk's memory, not the book's: inside the book's one transaction its entries are staged, a chunk
 * at a time, into a scratch table, then the book is written exactly as applyPriceList writes a
 * whole one (writePriceList: role lock, row, set replacement, product prices). Whatever fails, the
 * answer breaking off midway included, rolls the whole transaction back: the book's previous rows
 * stay, nothing of a partial book is ever committed, and the caller asks again (docs/prices.md).
 * The entries reach Zoho's copy only through the scratch table, so the book's raw JSON is not kept:
 * with `keepRaw` the whole-book path (applyPriceList) is the one to use.
 */
export async function applyStreamedPriceList(
  db: ApplyDb,
  zoho: ZohoClient,
  pricebookId: string,
  ctx: ApplyContext,
  options: StreamedPriceListOptions = {},
): Promise<ApplyOutcome> {
  return inRecordTransaction(db, ctx, async (tx) => {
    // Staging writes only this transaction's own table: the role lock is still taken first of every
    // statement touching price lists or products (writePriceList), after the book was read.
    await createEntryScratch(tx);
    const book = await zoho.books.pricebooks.streamDetail(pricebookId, {
      ...options.call,
      chunkSize: options.chunkSize,
      onEntries: (entries, offset) =>
        stageEntries(tx, pricebookId, entries.map((entry) => ({ zoho_pricebook_id: pricebookId, zoho_item_id: entry.item_id, rate: entry.pricebook_rate })), offset),
    });
    const id = book.header.pricebook_id;
    const { priceList } = transformPriceList(book.header);
    assertEntriesExpected(id, priceList, book.hasEntries);
    const row: Record<string, unknown> = { ...priceList };
    assertStorableText('pricebook', id, { row });
    await assertStagedEntriesUnique(tx, id);
    return writePriceList(tx, ctx, id, row, () => replaceEntriesWith(tx, id, stagedEntries()));
  });
}
