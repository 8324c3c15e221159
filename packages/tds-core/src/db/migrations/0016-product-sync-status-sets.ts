import { sql, type Kysely } from 'kysely';

/**
 * products.sync_status (0011, docs/seed-schema.md) kept set by set instead of row by row, same words
 * (docs/apply-batches.md, "Where the time went"):
 * - the queue and dead-letter triggers are statement-level with transition tables: one statement
 *   (an enqueue of a thousand items, a worker's step completing fifty) recomputes all its products
 *   in one sorted UPDATE, instead of a function call, a row lock and an UPDATE (with the change
 *   feed's statement triggers) per item;
 * - the word and the products trigger are PL/pgSQL, whose plans are kept per session, instead of a
 *   SQL function planned again on every call from the row trigger of every applied product.
 * The locking is the one 0011 describes: every product row that exists is locked before the queue is
 *   read (now in zoho_item_id order, as the apply writes them, so two statements never wait on each
 *   other in opposite orders), the shared advisory key for those that do not, and every read of the
 *   queue is a statement of its own, with a snapshot taken after those locks were granted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // VOLATILE: its query takes a fresh snapshot, so a caller that waited for a lock sees what the
  // lock's previous holder committed.
  await sql`
    CREATE OR REPLACE FUNCTION tds_product_sync_status(p_zoho_item_id text, p_last_synced_at timestamptz) RETURNS text
    LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
      RETURN CASE
        WHEN EXISTS (SELECT 1 FROM tds_sync_queue WHERE status = 'pending' AND entity_type = 'products' AND zoho_id = p_zoho_item_id)
          OR EXISTS (SELECT 1 FROM tds_sync_queue WHERE status = 'processing' AND entity_type = 'products' AND zoho_id = p_zoho_item_id)
          THEN 'pending'
        WHEN EXISTS (
          SELECT 1 FROM tds_dead_letter_queue
          WHERE entity_type = 'products' AND zoho_id = p_zoho_item_id AND resolved_at IS NULL AND retried_at IS NULL
            AND (p_last_synced_at IS NULL OR failed_at > p_last_synced_at))
          THEN 'error'
        ELSE 'synced'
      END;
    END
    $$`.execute(db);

  await sql`
    CREATE OR REPLACE FUNCTION tds_products_seed_columns() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.zoho_books_item_id := coalesce(NEW.zoho_books_item_id, NEW.zoho_item_id);
      IF TG_OP = 'INSERT' THEN
        PERFORM pg_advisory_xact_lock(15, (hashtext(NEW.zoho_item_id) & 127));
      END IF;
      NEW.sync_status := tds_product_sync_status(NEW.zoho_item_id, NEW.last_synced_at);
      RETURN NEW;
    END
    $$`.execute(db);

  await sql`
    CREATE OR REPLACE FUNCTION tds_refresh_products_sync_status(p_ids text[]) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      locked text[];
      key int;
    BEGIN
      SELECT coalesce(array_agg(l.zoho_item_id), '{}') INTO locked
      FROM (SELECT zoho_item_id FROM products WHERE zoho_item_id = ANY (p_ids) ORDER BY zoho_item_id FOR UPDATE) l;
      FOR key IN
        SELECT DISTINCT hashtext(i) & 127 FROM unnest(p_ids) AS i WHERE i <> ALL (locked) ORDER BY 1
      LOOP
        PERFORM pg_advisory_xact_lock_shared(15, key);
      END LOOP;
      UPDATE products p SET sync_status = s.word
      FROM (SELECT t.id, tds_product_sync_status(t.zoho_item_id, t.last_synced_at) AS word FROM products t WHERE t.zoho_item_id = ANY (p_ids)) s
      WHERE p.id = s.id AND p.sync_status IS DISTINCT FROM s.word;
    END
    $$`.execute(db);

  // The product ids whose waiting state (an item pending or processing) a statement changed.
  const waiting = (row: string) => `${row}.status IN ('pending', 'processing')`;
  await statementTrigger(db, 'tds_sync_queue', 'INSERT', `SELECT n.zoho_id FROM new_rows n WHERE n.entity_type = 'products' AND ${waiting('n')}`);
  await statementTrigger(
    db,
    'tds_sync_queue',
    'UPDATE',
    `SELECT n.zoho_id FROM old_rows o JOIN new_rows n ON n.id = o.id
     WHERE n.entity_type = 'products' AND ((${waiting('o')}) IS DISTINCT FROM (${waiting('n')}) OR o.zoho_id IS DISTINCT FROM n.zoho_id)
     UNION SELECT o.zoho_id FROM old_rows o JOIN new_rows n ON n.id = o.id
     WHERE o.entity_type = 'products' AND ${waiting('o')} AND (o.zoho_id IS DISTINCT FROM n.zoho_id OR o.entity_type IS DISTINCT FROM n.entity_type)`,
  );
  await statementTrigger(db, 'tds_sync_queue', 'DELETE', `SELECT o.zoho_id FROM old_rows o WHERE o.entity_type = 'products' AND ${waiting('o')}`);
  const open = (row: string) => `${row}.resolved_at IS NULL AND ${row}.retried_at IS NULL`;
  await statementTrigger(db, 'tds_dead_letter_queue', 'INSERT', `SELECT n.zoho_id FROM new_rows n WHERE n.entity_type = 'products'`);
  await statementTrigger(
    db,
    'tds_dead_letter_queue',
    'UPDATE',
    `SELECT n.zoho_id FROM old_rows o JOIN new_rows n ON n.id = o.id
     WHERE n.entity_type = 'products' AND (o.resolved_at, o.retried_at, o.failed_at, o.zoho_id) IS DISTINCT FROM (n.resolved_at, n.retried_at, n.failed_at, n.zoho_id)
     UNION SELECT o.zoho_id FROM old_rows o JOIN new_rows n ON n.id = o.id
     WHERE o.entity_type = 'products' AND ${open('o')} AND (o.zoho_id IS DISTINCT FROM n.zoho_id OR o.entity_type IS DISTINCT FROM n.entity_type)`,
  );
  await statementTrigger(db, 'tds_dead_letter_queue', 'DELETE', `SELECT o.zoho_id FROM old_rows o WHERE o.entity_type = 'products' AND ${open('o')}`);

  await sql`DROP FUNCTION IF EXISTS tds_queue_product_sync_status()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS tds_refresh_product_sync_status(text)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS tds_lock_product_sync_status(text)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS tds_share_product_sync_status_lock(text)`.execute(db);
}

/** Replaces the row trigger tds_product_sync_status_<event> of `table` by a statement trigger refreshing the products `changed` selects. */
async function statementTrigger(db: Kysely<unknown>, table: string, event: 'INSERT' | 'UPDATE' | 'DELETE', changed: string): Promise<void> {
  const name = `tds_product_sync_status_${event.toLowerCase()}`;
  const fn = `tds_${table === 'tds_sync_queue' ? 'queue' : 'dead_letters'}_sync_status_${event.toLowerCase()}`;
  const transitions = { INSERT: 'NEW TABLE AS new_rows', UPDATE: 'OLD TABLE AS old_rows NEW TABLE AS new_rows', DELETE: 'OLD TABLE AS old_rows' }[event];
  await sql`
    CREATE OR REPLACE FUNCTION ${sql.raw(fn)}() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      ids text[];
    BEGIN
      SELECT array_agg(DISTINCT c.zoho_id ORDER BY c.zoho_id) INTO ids FROM (${sql.raw(changed)}) AS c(zoho_id);
      IF ids IS NOT NULL THEN
        PERFORM tds_refresh_products_sync_status(ids);
      END IF;
      RETURN NULL;
    END
    $$`.execute(db);
  await sql`DROP TRIGGER IF EXISTS ${sql.raw(name)} ON ${sql.table(table)}`.execute(db);
  await sql`
    CREATE TRIGGER ${sql.raw(name)} AFTER ${sql.raw(event)} ON ${sql.table(table)}
    REFERENCING ${sql.raw(transitions)} FOR EACH STATEMENT EXECUTE FUNCTION ${sql.raw(fn)}()`.execute(db);
}
