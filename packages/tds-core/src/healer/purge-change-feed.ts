import type { Kysely } from 'kysely';
import { purgeChanges, type PurgedChanges } from '../changes/purge-changes';
import type { LoggerLike } from '../db/logger-like';
import type { Database } from '../db/schema';
import { errorText } from '../queue/error-text';

/**
 * Change feed retention (docs/change-feed.md): changes older than TDS_CHANGES_RETENTION_DAYS go.
 * Housekeeping like the other purges: reported with the run, never a heal action. Never throws.
 */
export async function purgeChangeFeed(
  db: Kysely<Database>,
  days: number,
  logger: LoggerLike,
  scrub: (text: string) => string,
): Promise<PurgedChanges | { error: string }> {
  try {
    const purged = await purgeChanges(db, days);
    if (purged.purged > 0) logger.info({ ...purged, kept_days: days }, `retention: purged ${purged.purged} changes from the change feed`);
    return purged;
  } catch (error) {
    const message = scrub(errorText(error));
    logger.warn({ err: message }, 'change feed purge failed; the next run tries again');
    return { error: message };
  }
}
