import { clearStuckLocks } from '../../queue/clear-stuck-locks';
import type { HealStep } from './context';

/** Items held longer than the limit go back to pending (their holder is gone or wedged). */
export const clearStuckLocksStep: HealStep = async ({ db, settings }) => {
  const returned = await clearStuckLocks(db, settings.stuckLockMinutes);
  return {
    action: 'clear_stuck_locks',
    outcome: returned.length > 0 ? 'success' : 'noop',
    details: { cleared: returned.length, older_than_minutes: settings.stuckLockMinutes, ids: returned.slice(0, 50).map((r) => r.id) },
  };
};
