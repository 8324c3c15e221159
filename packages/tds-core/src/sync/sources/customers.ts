import { applyCustomer, deleteCustomer } from '../../apply/customer';
import { entityFetchers } from '../../handlers/entity-fetchers';
import { isBlank } from '../../transform/text';
import { applyFetched } from '../apply-fetched';
import { latestModified, pagesByModifiedTime } from '../page-walkers';
import { compareVersion, storedVersions } from '../stored-versions';
import type { RunRecord, SyncRun } from '../sync-run';

/**
 * Customers: Books contacts of every status sorted by last_modified_time. Rows
 * are applied as listed (vendors are skipped); a row that does not say its contact type is
 * fetched whole first.
 */
export async function syncCustomers(run: SyncRun): Promise<void> {
  const pages = pagesByModifiedTime(
    ({ since, page }) =>
      run.zoho.books.contacts.list({ filterBy: 'Status.All', lastModifiedTime: since ?? undefined, sortColumn: 'last_modified_time', sortOrder: 'A', page }),
    run.since,
    run.mode,
  );
  for await (const page of pages) {
    run.counts.fetched += page.records.length + page.invalid.length;
    await run.deadLetterInvalid(page.invalid);
    const ids = page.records.map((r) => r.contact_id);
    await run.markSeen([...ids, ...page.invalid.flatMap((e) => (e.recordId ? [e.recordId] : []))]);
    const versions = await storedVersions(run.db, 'customers', 'zoho_contact_id', ids);
    const direct: RunRecord[] = [];
    const reduced: string[] = [];
    for (const contact of page.records) {
      run.noteModified(contact.last_modified_time);
      const comparison = compareVersion(contact.last_modified_time, versions.get(contact.contact_id));
      if (comparison === 'same') run.count('unchanged');
      else if (comparison === 'older') run.count('stale');
      else if (isBlank(contact.contact_type)) reduced.push(contact.contact_id);
      else direct.push({ id: contact.contact_id, raw: contact, apply: () => applyCustomer(run.db, contact, run.ctx) });
    }
    await run.applyAll(direct);
    if (reduced.length > 0) {
      const fetched = await entityFetchers.customers(run.zoho, reduced);
      await applyFetched(run, reduced, fetched, (c) => applyCustomer(run.db, c, run.ctx), (id) => deleteCustomer(run.db, id, run.ctx));
    }
    await run.pageDone(latestModified(page.records));
  }
}
