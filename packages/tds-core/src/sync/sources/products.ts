import { applyProduct, deleteProduct } from '../../apply/product';
import { fetchItemsByIds } from '../../handlers/fetch-items';
import { applyFetched } from '../apply-fetched';
import { latestModified, pagesByModifiedTime } from '../page-walkers';
import { compareVersion, storedVersions } from '../stored-versions';
import type { SyncRun } from '../sync-run';

/**
 * Products: Inventory items sorted by last_modified_time (every status). Items
 * whose listed version is newer than the stored one are fetched whole through `itemdetails`
 * (100 per request, with stock per location) and applied; the others are counted without a call.
 */
export async function syncProducts(run: SyncRun): Promise<void> {
  const pages = pagesByModifiedTime(
    ({ since, page }) => run.zoho.inventory.items.list({ lastModifiedTime: since ?? undefined, sortColumn: 'last_modified_time', sortOrder: 'A', page }),
    run.since,
    run.mode,
  );
  for await (const page of pages) {
    run.counts.fetched += page.records.length + page.invalid.length;
    await run.deadLetterInvalid(page.invalid);
    const ids = page.records.map((r) => r.item_id);
    await run.markSeen([...ids, ...page.invalid.flatMap((e) => (e.recordId ? [e.recordId] : []))]);
    const versions = await storedVersions(run.db, 'products', 'zoho_item_id', ids);
    const changed: string[] = [];
    for (const record of page.records) {
      run.noteModified(record.last_modified_time);
      const comparison = compareVersion(record.last_modified_time, versions.get(record.item_id));
      if (comparison === 'same') run.count('unchanged');
      else if (comparison === 'older') run.count('stale');
      else changed.push(record.item_id);
    }
    if (changed.length > 0) {
      await applyFetched(run, changed, (ids) => fetchItemsByIds(run.zoho, ids), (item) => applyProduct(run.db, item, run.ctx), (id) => deleteProduct(run.db, id, run.ctx));
    }
    await run.pageDone(latestModified(page.records));
  }
}
