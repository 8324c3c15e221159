import { applyPriceList, deletePriceList } from '../../apply/price-list';
import { entityFetchers } from '../../handlers/entity-fetchers';
import { applyFetched } from '../apply-fetched';
import type { SyncRun } from '../sync-run';

/**
 * Price books carry no modification time, so every run reads them all (there are few): the list,
 * then each book's detail with its entries. Every run is a complete pass, so deletions are
 * reconciled in incremental runs too.
 */
export async function syncPriceLists(run: SyncRun): Promise<void> {
  for await (const page of run.zoho.books.pricebooks.pages({})) {
    run.counts.fetched += page.records.length + page.invalid.length;
    await run.deadLetterInvalid(page.invalid);
    const ids = page.records.map((r) => r.pricebook_id);
    await run.markSeen([...ids, ...page.invalid.flatMap((e) => (e.recordId ? [e.recordId] : []))]);
    await applyFetched(run, ids, (some) => entityFetchers.pricelists(run.zoho, some), (book) => applyPriceList(run.db, book, run.ctx), (id) => deletePriceList(run.db, id, run.ctx));
    await run.pageDone(null);
  }
}
