import { applyPriceList, deletePriceList } from '../../apply/price-list';
import { entityFetchers } from '../../handlers/entity-fetchers';
import { applyFetched } from '../apply-fetched';
import { applyStreamedBook } from '../apply-streamed-book';
import type { SyncRun } from '../sync-run';

/**
 * Price books carry no modification time, so every run reads them all (there are few): the list,
 * then each book's detail with its entries. Every run is a complete pass, so deletions are
 * reconciled in incremental runs too. A book's detail holds an entry for every item it prices (as
 * many as the catalogue has items), so one book at a time is asked for, and it is applied as it
 * streams in, a chunk of entries at a time: the run holds a chunk, not a book (docs/prices.md). With
 * `keepRaw` the book's whole JSON is stored, so it is fetched whole and applied as one record.
 */
export async function syncPriceLists(run: SyncRun): Promise<void> {
  for await (const page of run.zoho.books.pricebooks.pages({})) {
    run.counts.fetched += page.records.length + page.invalid.length;
    await run.deadLetterInvalid(page.invalid);
    const ids = page.records.map((r) => r.pricebook_id);
    await run.markSeen([...ids, ...page.invalid.flatMap((e) => (e.recordId ? [e.recordId] : []))]);
    for (const id of ids) {
      if (!run.ctx.config.keepRaw) await applyStreamedBook(run, id);
      else await applyFetched(run, [id], (one) => entityFetchers.pricelists(run.zoho, one), (book) => applyPriceList(run.db, book, run.ctx), (gone) => deletePriceList(run.db, gone, run.ctx));
    }
    await run.pageDone(null);
  }
}
