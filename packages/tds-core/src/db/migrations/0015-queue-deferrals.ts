import { sql, type Kysely } from 'kysely';

/**
 * Deferrals (docs/webhooks-and-queue.md, "Waiting on Zoho is not a failed attempt"): an item whose
 * handler had to wait on Zoho's budget goes back to pending without counting an attempt.
 * - deferrals: deferrals since the item's last counted attempt; the worker counts one attempt
 *   once it reaches the cap, so an item deferred forever still reaches the dead-letter queue.
 * - last_deferral: why it was last deferred (for `tds queue` and health), kept apart from
 *   last_error so a deferral never hides the error of a real attempt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE tds_sync_queue ADD COLUMN IF NOT EXISTS deferrals integer NOT NULL DEFAULT 0`.execute(db);
  await sql`ALTER TABLE tds_sync_queue ADD COLUMN IF NOT EXISTS last_deferral text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE tds_sync_queue DROP COLUMN IF EXISTS last_deferral`.execute(db);
  await sql`ALTER TABLE tds_sync_queue DROP COLUMN IF EXISTS deferrals`.execute(db);
}
