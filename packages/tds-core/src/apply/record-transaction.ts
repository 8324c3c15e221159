import { withRetryOn } from '../queue/retry-on';
import type { ApplyContext } from './apply-context';
import type { ApplyDb, ApplyTx } from './types';

/** Deadlock and serialization failures: the whole transaction is re-run, so nothing is half-applied. */
const RERUN_CODES = ['40P01', '40001'];

/**
 * Runs one record's writes in one transaction. Cache updates are registered with `onCommit` and
 * made only once the transaction committed; on failure both caches are dropped, because an
 * aborted transaction may have left them pointing at rows that do not exist.
 */
export async function inRecordTransaction<T>(
  db: ApplyDb,
  ctx: ApplyContext,
  work: (tx: ApplyTx, onCommit: (effect: () => void) => void) => Promise<T>,
): Promise<T> {
  try {
    return await withRetryOn(RERUN_CODES, async () => {
      const effects: Array<() => void> = [];
      const result = await db.transaction().execute((tx) => work(tx, (effect) => effects.push(effect)));
      for (const effect of effects) effect();
      return result;
    });
  } catch (error) {
    ctx.categories.clear();
    ctx.priceRoles.invalidate();
    throw error;
  }
}
