import { entityAppliers } from '../apply/entity-appliers';
import { entityFetchers } from '../handlers/entity-fetchers';
import type { EntityType } from '../transform/entities';
import { applyFetched } from './apply-fetched';
import type { SyncRun } from './sync-run';

/** The table whose rows a complete pass of an entity must have seen (stock has none of its own). */
export const reconciledTables: Partial<Record<EntityType, { table: string; key: string }>> = {
  products: { table: 'products', key: 'zoho_item_id' },
  customers: { table: 'customers', key: 'zoho_contact_id' },
  invoices: { table: 'invoices', key: 'zoho_invoice_id' },
  bills: { table: 'bills', key: 'zoho_bill_id' },
  pricelists: { table: 'price_lists', key: 'zoho_pricebook_id' },
};

const CHUNK = 100;

/**
 * After a complete, successful pass: stored rows the pass did not see are asked for by id before
 * anything is deleted (itemdetails batches for items, detail GETs otherwise). Zoho's 404 / code
 * 1002 soft-deletes the row; a record that is still there (a list shifted under the pass) is
 * applied instead. So a deletion is never guessed from a listing alone.
 */
export async function reconcileDeletions(run: SyncRun): Promise<void> {
  const spec = reconciledTables[run.entity];
  if (!spec || !run.seen) return;
  const applier = entityAppliers[run.entity] as (typeof entityAppliers)['products'];
  const fetch = entityFetchers[run.entity] as (typeof entityFetchers)['products'];
  let after: string | null = null;
  for (;;) {
    run.throwIfCancelled();
    const ids = await run.seen.missing(spec.table, spec.key, after, CHUNK);
    if (ids.length === 0) return;
    after = ids[ids.length - 1];
    await applyFetched(run, ids, (some) => fetch(run.zoho, some), (record) => applier.apply(run.db, record, run.ctx), (id) => applier.remove(run.db, id, run.ctx));
    await run.phase('reconciling');
  }
}
