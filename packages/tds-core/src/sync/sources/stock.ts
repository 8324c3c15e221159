import { sql } from 'kysely';
import type { ZohoCallOptions, ZohoItem, ZohoListPage, ZohoListParams } from '@tsh/zoho-client';
import type { ZohoInventoryAdjustment, ZohoTransferOrder } from '@tsh/zoho-client/internal';
import { deleteProduct } from '../../apply/product';
import { applyStockLevels } from '../../apply/stock-levels';
import { fetchItemsByIds } from '../../handlers/fetch-items';
import { fetchOne } from '../../handlers/fetch-result';
import { mapLimit } from '../../handlers/map-limit';
import { DETAIL_CONCURRENCY } from '../../handlers/entity-fetchers';
import { stockAffectedItemIds } from '../../transform/stock-events';
import { applyFetched, applyFetchedRecords, fetchRecords, type FetchByIds, type FetchedRecords } from '../apply-fetched';
import { fetchWhileStoring } from '../fetch-while-storing';
import { latestModified, pagesByModifiedTime } from '../page-walkers';
import { lastSucceededRunStart } from '../sync-state';
import type { SyncRun } from '../sync-run';

const CHUNK = 200;

const applyStock = (run: SyncRun) => (item: ZohoItem) => applyStockLevels(run.db, item, run.ctx);
const removeItem = (run: SyncRun) => (id: string) => deleteProduct(run.db, id, run.ctx);

/** Fetches these items whole (itemdetails, 100 per request) and rewrites their stock. */
async function refreshItems(run: SyncRun, itemIds: readonly string[], call: ZohoCallOptions = {}): Promise<void> {
  if (itemIds.length === 0) return;
  await applyFetched(run, itemIds, (ids) => fetchItemsByIds(run.zoho, ids, call), applyStock(run), removeItem(run));
}

interface FetchedStockPage {
  page: ZohoListPage<ZohoItem>;
  /** The itemdetails answers for the page's items (null: none to refresh). */
  details: FetchedRecords<ZohoItem> | null;
}

interface MovementSource<R> {
  pages(params: ZohoListParams): AsyncGenerator<ZohoListPage<R>, void, undefined>;
  get(id: string): Promise<R>;
  idOf(record: R): string;
}

/** Item ids named by the lines of one kind of stock movement modified since the run's start point. */
async function movedItems<R extends ZohoInventoryAdjustment | ZohoTransferOrder>(run: SyncRun, source: MovementSource<R>, into: Set<string>): Promise<void> {
  for await (const page of source.pages({ lastModifiedTime: run.since ?? undefined })) {
    await run.deadLetterInvalid(page.invalid);
    const reduced: string[] = [];
    for (const movement of page.records) {
      run.noteModified(movement.last_modified_time);
      const listed = stockAffectedItemIds(movement);
      if (listed === null) reduced.push(source.idOf(movement));
      else listed.forEach((id) => into.add(id));
    }
    const details = await mapLimit(reduced, DETAIL_CONCURRENCY, (id) => fetchOne(() => source.get(id)));
    for (const detail of details) {
      if (detail.status === 'found') (stockAffectedItemIds(detail.record) ?? []).forEach((id) => into.add(id));
      else if (detail.status === 'error') throw detail.error;
    }
    run.throwIfCancelled();
  }
}

/** Items sold or bought on documents this system applied since the last successful stock run. */
async function documentItems(run: SyncRun, into: Set<string>): Promise<void> {
  const lastRun = await lastSucceededRunStart(run.db, 'stock', run.organizationId);
  if (lastRun === null) return;
  const { rows } = await sql<{ id: string }>`
SELECT zoho_item_id AS id FROM invoice_lines WHERE last_synced_at >= ${lastRun} AND zoho_item_id IS NOT NULL
UNION
SELECT zoho_item_id AS id FROM bill_lines WHERE last_synced_at >= ${lastRun} AND zoho_item_id IS NOT NULL`.execute(run.db);
  rows.forEach((r) => into.add(r.id));
}

/**
 * Stock per location. A full run walks every Inventory item and refreshes each through
 * `itemdetails`. Stock moves do not always touch an item's last_modified_time, so an incremental
 * run refreshes the items modified since the cursor, plus those named by inventory adjustments and
 * transfer orders modified since, plus those on invoices and bills applied since the last
 * successful stock run; its cursor moves only once all of them are refreshed.
 */
export async function syncStock(run: SyncRun): Promise<void> {
  const full = run.mode === 'full';
  const refreshed = full ? null : new Set<string>();
  // Cuts the next page's Zoho calls when a store fails, as well as when the run is cancelled.
  const stop = new AbortController();
  const call = { signal: run.signal ? AbortSignal.any([run.signal, stop.signal]) : stop.signal };
  const pages = pagesByModifiedTime(
    ({ since, page }) => run.zoho.inventory.items.list({ lastModifiedTime: since ?? undefined, sortColumn: 'last_modified_time', sortOrder: 'A', page }, call),
    run.since,
    run.mode,
  );
  const fetchItems: FetchByIds<ZohoItem> = (ids) => fetchItemsByIds(run.zoho, ids, call);
  // The next page is listed and its items' details asked for while a page's stock is written (as
  // the products walk does): a serial walk leaves Zoho's request slots idle during every store, and
  // every item of the catalogue costs a detail request here, none is skipped by its version.
  await fetchWhileStoring<ZohoListPage<ZohoItem>, FetchedStockPage>(
    pages,
    async (page) => {
      // Taken as they are asked for, not once stored: the keyset walk lists a page's last second again
      // on the next page, which is fetched while that page is still being stored.
      const ids = page.records.map((r) => r.item_id).filter((id) => !refreshed?.has(id));
      ids.forEach((id) => refreshed?.add(id));
      return { page, details: ids.length > 0 ? await fetchRecords(run, ids, fetchItems) : null };
    },
    async ({ page, details }) => {
      run.counts.fetched += page.records.length + page.invalid.length;
      await run.deadLetterInvalid(page.invalid);
      page.records.forEach((r) => run.noteModified(r.last_modified_time));
      if (details) await applyFetchedRecords(run, details, fetchItems, applyStock(run), removeItem(run));
      await run.pageDone(full ? latestModified(page.records) : null);
    },
    () => stop.abort(),
  );
  if (full || refreshed === null) return;

  const more = new Set<string>();
  const { inventoryAdjustments, transferOrders } = run.zoho.inventory;
  await movedItems<ZohoInventoryAdjustment>(run, { pages: (p) => inventoryAdjustments.pages(p), get: (id) => inventoryAdjustments.get(id), idOf: (r) => r.inventory_adjustment_id }, more);
  await movedItems<ZohoTransferOrder>(run, { pages: (p) => transferOrders.pages(p), get: (id) => transferOrders.get(id), idOf: (r) => r.transfer_order_id }, more);
  await documentItems(run, more);
  const pending = [...more].filter((id) => !refreshed.has(id));
  for (let start = 0; start < pending.length; start += CHUNK) {
    const chunk = pending.slice(start, start + CHUNK);
    run.counts.fetched += chunk.length;
    await refreshItems(run, chunk);
    await run.pageDone(null);
  }
}
