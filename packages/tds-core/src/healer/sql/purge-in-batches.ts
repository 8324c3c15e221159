import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../db/schema';

export interface BatchedPurge {
  /** Rows per DELETE statement. */
  batchSize: number;
  /** Statements per call at most; the next run goes on where this one stopped. */
  maxBatches: number;
  /** Pause between two statements, so other sessions get the table's pages and the pool in between. */
  pauseMs: number;
}

/**
 * Deletes what `select` picks, `batchSize` rows per statement. Each statement is its own short
 * transaction that skips rows another session has locked, so a purge never holds a lock for
 * long and never waits on the hot path (claims, webhook intake). Returns how many rows went.
 */
export async function purgeInBatches(
  db: Kysely<Database>,
  table: 'tds_sync_queue' | 'tds_webhook_events' | 'tds_heal_log' | 'tds_alerts',
  select: (limit: number) => RawBuilder<unknown>,
  options: BatchedPurge,
): Promise<number> {
  let total = 0;
  for (let batch = 0; batch < options.maxBatches; batch++) {
    if (batch > 0 && options.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    const result = await sql`DELETE FROM ${sql.table(table)} WHERE id IN (${select(options.batchSize)})`.execute(db);
    const deleted = Number(result.numAffectedRows ?? 0n);
    total += deleted;
    if (deleted < options.batchSize) break;
  }
  return total;
}
