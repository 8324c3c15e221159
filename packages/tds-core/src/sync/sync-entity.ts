import { sql } from 'kysely';
import { createApplyContext } from '../apply/apply-context';
import { silentLogger } from '../db/logger-like';
import { isEntityType, type EntityType } from '../transform/entities';
import { emptyCounts } from './counts';
import { createProgressReporter } from './progress';
import { reconcileDeletions, reconciledTables } from './reconcile';
import { withEntityRunLock } from './run-lock';
import { finishRunRecord, saveRunCounts, startRunRecord } from './run-record';
import { quotaStopOf, type QuotaStop } from './quota-stop';
import { SeenIds } from './seen-ids';
import { bindSignal } from './signal-bound-zoho';
import { syncCustomers } from './sources/customers';
import { syncBills, syncInvoices } from './sources/documents';
import { syncPriceLists } from './sources/price-lists';
import { syncProducts } from './sources/products';
import { syncStock } from './sources/stock';
import { advanceCursor, readCursor, recordRunOutcome } from './sync-state';
import { SyncCancelledError, SyncRun } from './sync-run';
import { SyncInputError, type SyncDeps, type SyncEntityOptions, type SyncPhase, type SyncRunResult, type SyncStatus } from './types';

export const DEFAULT_OVERLAP_MS = 5 * 60_000;
const DEFAULT_CONCURRENCY = 4;

const SOURCES: Record<EntityType, (run: SyncRun) => Promise<void>> = {
  products: syncProducts,
  customers: syncCustomers,
  invoices: syncInvoices,
  bills: syncBills,
  stock: syncStock,
  pricelists: syncPriceLists,
};

/** Price books are re-read whole on every run, so every run may reconcile their deletions. */
const reconciles = (entity: EntityType, mode: 'full' | 'incremental') => reconciledTables[entity] !== undefined && (mode === 'full' || entity === 'pricelists');

function checkOptions(entity: unknown, options: SyncEntityOptions): asserts entity is EntityType {
  if (!isEntityType(entity)) throw new SyncInputError(`unknown entity ${JSON.stringify(entity)}: expected products, customers, invoices, bills, stock or pricelists`);
  if (options?.mode !== 'full' && options?.mode !== 'incremental') throw new SyncInputError(`mode must be 'full' or 'incremental'`);
  if (options.since !== undefined && !(options.since instanceof Date && !Number.isNaN(options.since.getTime()))) throw new SyncInputError('since must be a valid Date');
  if (options.overlapMs !== undefined && !(Number.isFinite(options.overlapMs) && options.overlapMs >= 0)) throw new SyncInputError('overlapMs must be a number of milliseconds ≥ 0');
  if (options.concurrency !== undefined && !(Number.isInteger(options.concurrency) && options.concurrency >= 1 && options.concurrency <= 32)) {
    throw new SyncInputError('concurrency must be a whole number from 1 to 32');
  }
}

async function expectedRecords(deps: SyncDeps, entity: EntityType): Promise<number | null> {
  const table = entity === 'stock' ? 'products' : reconciledTables[entity]?.table;
  if (!table) return null;
  const { rows } = await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${sql.table(table)} WHERE deleted_at IS NULL`.execute(deps.db);
  const n = Number(rows[0]?.n ?? 0);
  return n > 0 ? n : null;
}

/**
 * Brings one entity's tables in line with Zoho and returns when everything it fetched is applied.
 *
 * - `full`: every record; afterwards, stored rows the complete pass did not see are checked with
 *   Zoho one by one and soft-deleted when Zoho no longer has them (never after a partial pass).
 * - `incremental`: records modified after the stored cursor minus the overlap window (or after
 *   `since`); duplicates of the overlap are no-ops. Without a cursor it reads everything.
 *
 * Pages of 200 are applied as they arrive (constant memory). The cursor in tds_sync_state moves
 * after each applied page where the list is sorted by modification time (items, contacts), else
 * at the end of the pass, so an interrupted run resumes without losing anything. Each run is
 * recorded in tds_sync_runs. Records that cannot be stored go to the DLQ and the run goes on.
 * A failed or cancelled run is reported in the result (status, error), not thrown; bad options
 * throw SyncInputError, and a sync of the same entity already running throws SyncAlreadyRunningError.
 */
export async function syncEntity(deps: SyncDeps, entity: EntityType, options: SyncEntityOptions): Promise<SyncRunResult> {
  checkOptions(entity, options);
  const { db, zoho } = deps;
  const organizationId = zoho.organizationId;
  const logger = deps.logger ?? silentLogger;
  const ctx = deps.applyContext ?? createApplyContext(deps.config);
  const mode = options.mode;

  return withEntityRunLock(db, entity, organizationId, async (lock) => {
    const run = await startRunRecord(db, entity, organizationId, mode);
    const counts = emptyCounts();
    const requestsAtStart = zoho.stats().requests.total;
    const cursor = await readCursor(db, entity, organizationId);
    const since =
      mode === 'full' ? null : (options.since ?? (cursor === null ? null : new Date(cursor.getTime() - (options.overlapMs ?? DEFAULT_OVERLAP_MS))));
    const report = createProgressReporter({
      entity,
      mode,
      runId: run.id,
      startedAt: Date.now(),
      expectedRecords: mode === 'full' ? await expectedRecords(deps, entity) : null,
      onProgress: options.onProgress,
    });
    const checkpoint = async (phase: SyncPhase) => {
      counts.requestsUsed = zoho.stats().requests.total - requestsAtStart;
      await saveRunCounts(db, run.id, counts);
      report(phase, counts);
    };
    logger.info({ entity, mode, runId: run.id, since: since?.toISOString() ?? null }, 'sync started');

    let status: SyncStatus = 'succeeded';
    let error: unknown = null;
    let quota: QuotaStop | null = null;
    const seen = reconciles(entity, mode) ? await SeenIds.create(db, run.id) : null;
    try {
      const syncRun = new SyncRun({
        entity,
        mode,
        since,
        db: lock.db,
        zoho: bindSignal(zoho, options.signal),
        ctx,
        logger,
        organizationId,
        counts,
        assertLockHeld: lock.assertHeld,
        seen,
        concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
        signal: options.signal,
        checkpoint,
      });
      syncRun.throwIfCancelled();
      report('fetching', counts);
      await SOURCES[entity](syncRun);
      const latest = syncRun.latestModified;
      if (latest !== null) await lock.db.transaction().execute((tx) => advanceCursor(tx, entity, organizationId, latest));
      if (seen) {
        await checkpoint('reconciling');
        await reconcileDeletions(syncRun);
      }
    } catch (caught) {
      // Whatever a cancelled run was doing when the signal came (a request cut, a wait ended) is the cancel itself.
      const cancelled = caught instanceof SyncCancelledError || options.signal?.aborted === true;
      quota = cancelled ? null : quotaStopOf(caught, entity, zoho);
      status = cancelled ? 'cancelled' : 'failed';
      error = cancelled ? new SyncCancelledError() : caught;
      const fields = { entity, mode, runId: run.id, err: error instanceof Error ? error.message : String(error) };
      // A stop someone asked for, or a quota that ran out, is expected: the checkpoint is kept and the next run resumes.
      if (cancelled) logger.info(fields, 'sync cancelled');
      else if (quota) logger.warn({ ...fields, quota }, 'sync stopped: zoho daily quota spent');
      else logger.error(fields, 'sync failed');
    } finally {
      await seen?.drop().catch(() => undefined);
    }

    counts.requestsUsed = zoho.stats().requests.total - requestsAtStart;
    const finishedAt = await finishRunRecord(db, run.id, status, counts, error);
    await recordRunOutcome(db, entity, organizationId, mode, status, error);
    report(status === 'succeeded' ? 'done' : status, counts);
    logger.info({ entity, mode, runId: run.id, status, counts }, 'sync finished');
    return {
      runId: run.id,
      entity,
      mode,
      status,
      error: error === null ? null : error instanceof Error ? error.message : String(error),
      counts: { ...counts },
      startedAt: run.startedAt,
      finishedAt,
      cursor: await readCursor(db, entity, organizationId),
      ...(quota ? { quota } : {}),
    };
  });
}
