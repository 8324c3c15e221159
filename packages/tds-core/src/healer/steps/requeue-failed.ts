import { requeueFailed } from '../sql/requeue-failed';
import type { HealStep } from './context';

/** Failed items with retries left become pending again. */
export const requeueFailedStep: HealStep = async ({ db, settings }) => {
  const returned = await requeueFailed(db, settings.batchLimit);
  return {
    action: 'requeue_failed',
    outcome: returned.length > 0 ? 'success' : 'noop',
    details: { requeued: returned.length, ids: returned.slice(0, 50).map((r) => r.id) },
  };
};
