import type { ZohoItem, ZohoListPage } from '@tsh/zoho-client';
import { applyProduct, deleteProduct } from '../../apply/product';
import { fetchItemsByIds } from '../../handlers/fetch-items';
import { applyFetchedRecords, fetchRecords, type FetchByIds, type FetchedRecords } from '../apply-fetched';
import { fetchWhileStoring } from '../fetch-while-storing';
import { latestModified, pagesByModifiedTime } from '../page-walkers';
import { compareVersion, storedVersions } from '../stored-versions';
import type { SyncRun } from '../sync-run';

interface FetchedPage {
  page: ZohoListPage<ZohoItem>;
  comparisons: Map<string, 'newer' | 'same' | 'older'>;
  /** The itemdetails answers for the listed items newer than what is stored (null: none). */
  details: FetchedRecords<ZohoItem> | null;
}

/**
 * The versions the page being stored is writing: a walk by keyset lists the records of a page's
 * last second again on the next page, which is compared while that page is still being stored.
 */
function versionsInHand(previous: FetchedPage | undefined): Map<string, number> {
  const versions = new Map<string, number>();
  for (const [id, result] of previous?.details?.results ?? []) {
    const at = result.status === 'found' && result.record.last_modified_time !== null ? Date.parse(result.record.last_modified_time) : Number.NaN;
    if (!Number.isNaN(at)) versions.set(id, at);
  }
  return versions;
}

/**
 * Products: Inventory items sorted by last_modified_time (every status). Items
 * whose listed version is newer than the stored one are fetched whole through `itemdetails`
 * (100 per request, with stock per location) and applied; the others are counted without a call.
 * The next page is listed and its details fetched while a page is stored (fetchWhileStoring).
 */
export async function syncProducts(run: SyncRun): Promise<void> {
  // Cuts the next page's Zoho calls when a store fails, as well as when the run is cancelled.
  const stop = new AbortController();
  const call = { signal: run.signal ? AbortSignal.any([run.signal, stop.signal]) : stop.signal };
  const pages = pagesByModifiedTime(
    ({ since, page }) => run.zoho.inventory.items.list({ lastModifiedTime: since ?? undefined, sortColumn: 'last_modified_time', sortOrder: 'A', page }, call),
    run.since,
    run.mode,
  );
  const fetchItems: FetchByIds<ZohoItem> = (ids) => fetchItemsByIds(run.zoho, ids, call);

  await fetchWhileStoring<ZohoListPage<ZohoItem>, FetchedPage>(
    pages,
    async (page, previous) => {
      const versions = await storedVersions(run.db, 'products', 'zoho_item_id', page.records.map((r) => r.item_id));
      const inHand = versionsInHand(previous);
      const comparisons = new Map<string, 'newer' | 'same' | 'older'>();
      for (const record of page.records) {
        const stored = versions.get(record.item_id);
        const writing = inHand.get(record.item_id);
        const known = writing !== undefined && (stored === undefined || stored === null || writing > stored) ? writing : stored;
        comparisons.set(record.item_id, compareVersion(record.last_modified_time, known));
      }
      const changed = [...comparisons].filter(([, c]) => c === 'newer').map(([id]) => id);
      return { page, comparisons, details: changed.length > 0 ? await fetchRecords(run, changed, fetchItems) : null };
    },
    async ({ page, comparisons, details }) => {
      run.counts.fetched += page.records.length + page.invalid.length;
      await run.deadLetterInvalid(page.invalid);
      await run.markSeen([...page.records.map((r) => r.item_id), ...page.invalid.flatMap((e) => (e.recordId ? [e.recordId] : []))]);
      for (const record of page.records) {
        run.noteModified(record.last_modified_time);
        const comparison = comparisons.get(record.item_id);
        if (comparison === 'same') run.count('unchanged');
        else if (comparison === 'older') run.count('stale');
      }
      if (details) await applyFetchedRecords(run, details, fetchItems, (item) => applyProduct(run.db, item, run.ctx), (id) => deleteProduct(run.db, id, run.ctx));
      await run.pageDone(latestModified(page.records));
    },
    () => stop.abort(),
  );
}
