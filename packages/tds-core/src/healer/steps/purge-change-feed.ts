import { purgeChanges } from '../../changes/purge-changes';
import type { HealStep } from './context';

/** Change feed retention (docs/change-feed.md): changes older than TDS_CHANGES_RETENTION_DAYS go. */
export const purgeChangeFeedStep =
  (days: number): HealStep =>
  async ({ db }) => {
    const { purged, purged_through } = await purgeChanges(db, days);
    return { action: 'purge_change_feed', outcome: purged > 0 ? 'success' : 'noop', details: { purged, purged_through, kept_days: days } };
  };
