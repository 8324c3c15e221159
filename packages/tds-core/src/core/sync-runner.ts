import { isEntityType, type EntityType } from '../transform/entities';
import { estimateFullSync } from '../sync/request-estimate';
import { syncAll, SYNC_ORDER } from '../sync/sync-all';
import { SyncInputError, type SyncDeps, } from '../sync/types';
import type { SyncOptions, SyncOutcome } from './types';

/**
 * Products take their consumer and wholesale prices from the stored price lists; synced before
 * any price list is stored, every price would stay NULL. So the price lists come along then
 * (syncAll runs them first).
 */
async function withPriceListsWhenNoneStored(db: SyncDeps['db'], entities: EntityType[]): Promise<EntityType[]> {
  if (!entities.includes('products') || entities.includes('pricelists')) return entities;
  const stored = await db.selectFrom('price_lists').select('id').limit(1).executeTakeFirst();
  return stored ? entities : ['pricelists', ...entities];
}

/** The core's `sync` verbs over syncAll: entity names checked, results as plain JSON-able objects. */
export function createSyncRunner(deps: SyncDeps & { beforeRun?: () => Promise<unknown> }) {
  return {
    entitiesOf(entities: ReadonlyArray<string> | 'all'): EntityType[] {
      if (entities === 'all' || (entities.length === 1 && entities[0] === 'all')) return [...SYNC_ORDER];
      const unknown = entities.filter((e) => !isEntityType(e));
      if (unknown.length > 0) {
        throw new SyncInputError(`unknown entity ${unknown.map((e) => JSON.stringify(e)).join(', ')}: expected ${SYNC_ORDER.join(', ')} or all`);
      }
      if (entities.length === 0) throw new SyncInputError(`name at least one entity (${SYNC_ORDER.join(', ')}) or all`);
      return entities as EntityType[];
    },
    /** What a full sync of these entities will likely cost per Zoho API, against what is left today. */
    estimateFull(entities: ReadonlyArray<string>) {
      return estimateFullSync(deps.db, deps.zoho.organizationId, entities as EntityType[]);
    },
    async run(entities: ReadonlyArray<string>, options: SyncOptions): Promise<SyncOutcome[]> {
      // The organization binding check (docs/organization-binding.md) comes before any Zoho call or write.
      await deps.beforeRun?.();
      const results = await syncAll(deps, {
        entities: await withPriceListsWhenNoneStored(deps.db, entities as EntityType[]),
        mode: options.mode ?? 'incremental',
        since: options.since,
        signal: options.signal,
        onProgress: options.onProgress,
      });
      return results;
    },
  };
}
