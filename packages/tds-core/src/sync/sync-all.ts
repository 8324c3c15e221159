import { createApplyContext } from '../apply/apply-context';
import type { EntityType } from '../transform/entities';
import { syncEntity } from './sync-entity';
import { SyncAlreadyRunningError, SyncInputError, type SyncDeps, type SyncEntityOptions, type SyncMode, type SyncRunResult } from './types';

/**
 * The order of a whole sync: price lists first, so products take their consumer / wholesale
 * prices as they are stored; stock after products; documents last.
 */
export const SYNC_ORDER: readonly EntityType[] = ['pricelists', 'products', 'stock', 'customers', 'invoices', 'bills'];

/** An entity syncAll did not run because a sync of it was already running elsewhere. */
export interface SyncSkipped {
  entity: EntityType;
  mode: SyncMode;
  status: 'skipped';
  error: string;
}

export interface SyncAllOptions extends SyncEntityOptions {
  /** Which entities, run in SYNC_ORDER (default all six). */
  entities?: readonly EntityType[];
}

/**
 * Syncs several entities one after another, sharing one set of caches. One entity failing does
 * not stop the next; an abort stops before the next entity starts.
 */
export async function syncAll(deps: SyncDeps, options: SyncAllOptions): Promise<Array<SyncRunResult | SyncSkipped>> {
  const wanted = options.entities ?? SYNC_ORDER;
  const unknown = wanted.filter((e) => !SYNC_ORDER.includes(e));
  if (unknown.length > 0) throw new SyncInputError(`unknown entities: ${unknown.join(', ')}`);
  const shared = { ...deps, applyContext: deps.applyContext ?? createApplyContext(deps.config) };
  const results: Array<SyncRunResult | SyncSkipped> = [];
  for (const entity of SYNC_ORDER.filter((e) => wanted.includes(e))) {
    if (options.signal?.aborted) break;
    try {
      results.push(await syncEntity(shared, entity, options));
    } catch (error) {
      if (!(error instanceof SyncAlreadyRunningError)) throw error;
      results.push({ entity, mode: options.mode, status: 'skipped', error: error.message });
    }
  }
  return results;
}
