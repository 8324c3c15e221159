import type { ZohoContact } from '@tsh/zoho-client';
import { applyCustomer, deleteCustomer } from '../../apply/customer';
import { entityFetchers } from '../../handlers/entity-fetchers';
import { isBlank } from '../../transform/text';
import { applyFetched, applyLive } from '../apply-fetched';
import { pagesAskedAt } from '../pages-asked-at';
import { latestModified, pagesByModifiedTime } from '../page-walkers';
import { compareVersion, storedVersions } from '../stored-versions';
import type { RunRecord, SyncRun } from '../sync-run';

/**
 * Customers: Books contacts of every status sorted by last_modified_time. Rows
 * are applied as listed (vendors are skipped); a row that does not say its contact type is
 * fetched whole first. A listed row is a record Zoho returned when its page was asked for, so the
 * database clock is read before each page (it may restore a row deleted before then only).
 */
export async function syncCustomers(run: SyncRun): Promise<void> {
  const pages = pagesByModifiedTime(
    ({ since, page }) =>
      run.zoho.books.contacts.list({ filterBy: 'Status.All', lastModifiedTime: since ?? undefined, sortColumn: 'last_modified_time', sortOrder: 'A', page }),
    run.since,
    run.mode,
  );
  const fetch = (ids: readonly string[]) => entityFetchers.customers(run.zoho, ids);
  const apply = (contact: ZohoContact) => applyCustomer(run.db, contact, run.ctx);
  const remove = (id: string) => deleteCustomer(run.db, id, run.ctx);
  for await (const { askedAt, page } of pagesAskedAt(run.db, pages)) {
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
      else direct.push({ id: contact.contact_id, raw: contact, apply: () => applyLive(run, contact.contact_id, contact, askedAt, fetch, apply, remove) });
    }
    await run.applyAll(direct);
    if (reduced.length > 0) {
      await applyFetched(run, reduced, fetch, apply, remove);
    }
    await run.pageDone(latestModified(page.records));
  }
}
