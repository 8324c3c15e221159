import type { ZohoBill, ZohoInvoice, ZohoListPage, ZohoListParams } from '@tsh/zoho-client';
import { applyBill, deleteBill } from '../../apply/bill';
import { applyInvoice, deleteInvoice } from '../../apply/invoice';
import type { ApplyOutcome } from '../../apply/types';
import { entityFetchers } from '../../handlers/entity-fetchers';
import type { FetchResult } from '../../handlers/fetch-result';
import { applyFetched } from '../apply-fetched';
import { compareVersion, storedVersions } from '../stored-versions';
import type { SyncRun } from '../sync-run';

interface DocumentSource<R> {
  table: string;
  key: string;
  idOf(record: R): string;
  pages(params: ZohoListParams): AsyncGenerator<ZohoListPage<R>, void, undefined>;
  fetch(ids: readonly string[]): Promise<Map<string, FetchResult<R>>>;
  apply(record: R): Promise<ApplyOutcome>;
  remove(id: string): Promise<ApplyOutcome>;
}

/**
 * Invoices or bills. Books cannot sort these by last_modified_time, so pages are walked by number
 * and the cursor moves only at the end of a complete pass (an interrupted run re-lists from the
 * old cursor, cheaply: documents already applied are not fetched again). List rows have no lines,
 * so each document whose listed version is newer than the stored one costs one detail GET.
 */
async function syncDocumentList<R extends { last_modified_time: string | null }>(run: SyncRun, source: DocumentSource<R>): Promise<void> {
  for await (const page of source.pages({ filterBy: 'Status.All', lastModifiedTime: run.since ?? undefined })) {
    run.counts.fetched += page.records.length + page.invalid.length;
    await run.deadLetterInvalid(page.invalid);
    const ids = page.records.map(source.idOf);
    await run.markSeen([...ids, ...page.invalid.flatMap((e) => (e.recordId ? [e.recordId] : []))]);
    const versions = await storedVersions(run.db, source.table, source.key, ids);
    const changed: string[] = [];
    for (const row of page.records) {
      run.noteModified(row.last_modified_time);
      const comparison = compareVersion(row.last_modified_time, versions.get(source.idOf(row)));
      if (comparison === 'same') run.count('unchanged');
      else if (comparison === 'older') run.count('stale');
      else changed.push(source.idOf(row));
    }
    if (changed.length > 0) await applyFetched(run, changed, source.fetch, source.apply, source.remove);
    await run.pageDone(null);
  }
}

export function syncInvoices(run: SyncRun): Promise<void> {
  return syncDocumentList<ZohoInvoice>(run, {
    table: 'invoices',
    key: 'zoho_invoice_id',
    idOf: (r) => r.invoice_id,
    pages: (params) => run.zoho.books.invoices.pages(params),
    fetch: (ids) => entityFetchers.invoices(run.zoho, ids),
    apply: (record) => applyInvoice(run.db, record, run.ctx),
    remove: (id) => deleteInvoice(run.db, id, run.ctx),
  });
}

export function syncBills(run: SyncRun): Promise<void> {
  return syncDocumentList<ZohoBill>(run, {
    table: 'bills',
    key: 'zoho_bill_id',
    idOf: (r) => r.bill_id,
    pages: (params) => run.zoho.books.bills.pages(params),
    fetch: (ids) => entityFetchers.bills(run.zoho, ids),
    apply: (record) => applyBill(run.db, record, run.ctx),
    remove: (id) => deleteBill(run.db, id, run.ctx),
  });
}
