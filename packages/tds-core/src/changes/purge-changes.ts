import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { sequenceChanges } from './sequence-changes';

export interface PurgedChanges {
  purged: number;
  /** The retention horizon afterwards: every change up to this id is gone. */
  purged_through: string;
}

/**
 * Drops the changes older than `days` (TDS_CHANGES_RETENTION_DAYS), oldest first, at most
 * `batchSize` per statement. Only a prefix of the feed goes (it stops at the first younger row), so
 * "everything up to purged_through is gone" stays true, and the horizon moves in the same
 * statement as the rows: a reader sees both or neither (read-changes.ts).
 */
export async function purgeChanges(db: Kysely<Database>, days: number, { batchSize = 5000, maxBatches = 100 } = {}): Promise<PurgedChanges> {
  await sequenceChanges(db);
  let purged = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const { rows } = await sql<{ gone: string }>`
WITH head AS (SELECT id, at FROM tds_changes WHERE id IS NOT NULL ORDER BY id LIMIT ${batchSize}),
     young AS (SELECT min(id) AS id FROM head WHERE at >= now() - make_interval(days => ${days}::int)),
     through AS (SELECT coalesce((SELECT id FROM young) - 1, (SELECT max(id) FROM head)) AS id),
     gone AS (DELETE FROM tds_changes c USING through WHERE c.id IS NOT NULL AND c.id <= through.id RETURNING c.id),
     moved AS (
       UPDATE tds_change_feed_state SET purged_through = greatest(purged_through, (SELECT max(id) FROM gone)), purged_at = now()
       WHERE EXISTS (SELECT 1 FROM gone) RETURNING 1)
SELECT (SELECT count(*) FROM gone)::text AS gone, (SELECT count(*) FROM moved) AS moved`.execute(db);
    const gone = Number(rows[0]?.gone ?? 0);
    purged += gone;
    if (gone < batchSize) break;
  }
  const state = await db.selectFrom('tds_change_feed_state').select('purged_through').executeTakeFirst();
  return { purged, purged_through: state?.purged_through ?? '0' };
}
