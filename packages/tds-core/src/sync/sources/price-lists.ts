import { applyPriceList, deletePriceList } from '../../apply/price-list';
import { entityFetchers } from '../../handlers/entity-fetchers';
import { applyFetched } from '../apply-fetched';
import type { SyncRun } from '../sync-run';

/**
 * Price books carry no modification time, so every run reads them all (there are few): the list,
 * then each book's detail with its entries. Every run is a complete pass, so deletions are
 * reconciled in incremental runs too. A book's detail holds an entry for every item it prices (as
 * many as the catalogue has items), so one book at a time is fetched and applied, and let go before
 * the next is asked for: the run holds one book, not all of them (docs/benchmarks.md, memory row).
 */
export async function syncPriceLists(run: SyncRun): Promise<void> {
  for await (const page of run.zoho.books.pricebooks.pages({})) {
    run.counts.fetched += page.records.length + page.invalid.length;
    await run.deadLetterInvalid(page.invalid);
    const ids = page.records.map((r) => r.pricebook_id);
    await run.markSeen([...ids, ...page.invalid.flatMap((e) => (e.recordId ? [e.recordId] : []))]);
    for (const id of ids) {
      await applyFetched(run, [id], (one) => entityFetchers.pricelists(run.zoho, one), (book) => applyPriceList(run.db, book, run.ctx), (gone) => deletePriceList(run.db, gone, run.ctx));
    }
    await run.pageDone(null);
  }
}
