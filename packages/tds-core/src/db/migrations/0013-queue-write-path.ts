import { sql, type Kysely } from 'kysely';

/**
 * The queue's write path at the speed the seed columns of 0011 had cost it (docs/queue-speed.md):
 * the seed_operation insert trigger runs only for a row written without the word (enqueue works it
 * out in its own statement, queue/seed-operation.ts), instead of calling PL/pgSQL for every row.
 * The column's values are the same: a row without the word still gets it from the trigger.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['tds_sync_queue', 'tds_dead_letter_queue']) {
    await sql`DROP TRIGGER IF EXISTS tds_seed_operation_insert ON ${sql.table(table)}`.execute(db);
    await sql`
      CREATE TRIGGER tds_seed_operation_insert BEFORE INSERT ON ${sql.table(table)}
      FOR EACH ROW WHEN (NEW.seed_operation IS NULL) EXECUTE FUNCTION tds_set_seed_operation()`.execute(db);
  }
}
