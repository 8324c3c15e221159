import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';

// Arbitrary constant advisory-lock key shared by every TDS process ('tds-changes-seq').
const SEQUENCER_LOCK = 7_467_435_392_118_301n;
const BATCH = 5000;

/**
 * Gives cursor ids to committed feed rows, in one transaction at a time (docs/change-feed.md,
 * "Why the cursor is given after commit"). Writers cannot take the id themselves: a sequence value
 * taken inside a transaction may commit after a larger one that a reader has already passed. Here
 * only committed rows are visible, and the lock makes the runs follow one another, so every id a
 * run gives is larger than every id given by a run that committed before: once a reader sees id N,
 * no row below N can appear later. Returns how many rows were numbered.
 */
export async function sequenceChanges(db: Kysely<Database>): Promise<number> {
  let total = 0;
  for (;;) {
    const { rows } = await sql<{ pending: boolean }>`SELECT EXISTS (SELECT 1 FROM tds_changes WHERE id IS NULL) AS pending`.execute(db);
    if (!rows[0]?.pending) return total;
    const numbered = await db.transaction().execute(async (tx) => {
      await sql`SELECT pg_advisory_xact_lock(${SEQUENCER_LOCK})`.execute(tx);
      // A new statement, so its snapshot includes every run that committed while this one waited.
      const result = await sql`
UPDATE tds_changes c SET id = n.id
FROM (SELECT p.entry, nextval('tds_changes_id_seq') AS id
      FROM (SELECT entry FROM tds_changes WHERE id IS NULL ORDER BY entry LIMIT ${BATCH}) p) n
WHERE c.entry = n.entry`.execute(tx);
      return Number(result.numAffectedRows ?? 0);
    });
    total += numbered;
    if (numbered < BATCH) return total;
  }
}
