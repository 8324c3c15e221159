import { withRetryOn } from '../queue/retry-on';
import type { ApplyContext } from './apply-context';
import type { ApplyDb, ApplyTx } from './types';

/** Deadlock and serialization failures: the whole transaction is re-run, so nothing is half-applied. */
const RERUN_CODES = ['40P01', '40001'];
const FOREIGN_KEY_VIOLATION = '23503';

/**
 * Runs one record's writes in one transaction. Cache updates are registered with `onCommit` and
 * made only once the transaction committed; on failure the category cache is dropped, because an
 * aborted transaction may have left them pointing at rows that do not exist. A foreign-key
 * violation is what a cached id of a row deleted meanwhile looks like: the record is re-run once
 * with fresh caches before the error is reported (as retryable).
 */
export async function inRecordTransaction<T>(
  db: ApplyDb,
  ctx: ApplyContext,
  work: (tx: ApplyTx, onCommit: (effect: () => void) => void) => Promise<T>,
): Promise<T> {
  const once = () =>
    withRetryOn(RERUN_CODES, async () => {
      const effects: Array<() => void> = [];
      const result = await db.transaction().execute((tx) => work(tx, (effect) => effects.push(effect)));
      for (const effect of effects) effect();
      return result;
    });
  const dropCaches = () => ctx.categories.clear();
  try {
    return await once();
  } catch (error) {
    dropCaches();
    if ((error as { code?: unknown }).code !== FOREIGN_KEY_VIOLATION) throw error;
  }
  try {
    return await once();
  } catch (error) {
    dropCaches();
    throw error;
  }
}
