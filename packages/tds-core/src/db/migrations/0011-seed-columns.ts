import { sql, type Kysely } from 'kysely';
import { GENERATED_SEED_COLUMNS, SEED_REAL_COLUMNS, type AdoptedTable } from '../adopt/seed-words';

/**
 * The TSH ERP seed's column names on every database, adopted or created empty (docs/seed-schema.md):
 * - entity_id, error_message, original_id, resolution_notes: GENERATED ALWAYS AS (<TDS's column>)
 *   STORED, so the queue's code keeps its names and the seed's queries read the same values;
 * - seed_operation ('create' / 'update' / 'delete'): set when a queue or dead-letter row is written;
 * - products.description_ar, zoho_books_item_id (= zoho_item_id: Books and Inventory share ids) and
 *   sync_status ('pending' while a queue item for the product waits, 'error' while it sits in the
 *   dead-letter queue and was not applied since, else 'synced'), kept by triggers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, columns] of Object.entries(GENERATED_SEED_COLUMNS) as [AdoptedTable, Record<string, string>][]) {
    for (const [seedName, internal] of Object.entries(columns)) {
      const type = internal === 'original_queue_id' ? 'bigint' : 'text';
      await sql`ALTER TABLE ${sql.table(table)} ADD COLUMN IF NOT EXISTS ${sql.ref(seedName)} ${sql.raw(type)} GENERATED ALWAYS AS (${sql.ref(internal)}) STORED`.execute(db);
    }
  }
  for (const [table, columns] of Object.entries(SEED_REAL_COLUMNS) as [AdoptedTable, Record<string, string>][]) {
    for (const [name, definition] of Object.entries(columns)) {
      await sql`ALTER TABLE ${sql.table(table)} ADD COLUMN IF NOT EXISTS ${sql.ref(name)} ${sql.raw(definition)}`.execute(db);
    }
  }

  // An adopted products table has no foreign key to categories (created after it by 0002).
  const { rows: fk } = await sql`
    SELECT 1 FROM pg_constraint WHERE conrelid = 'products'::regclass AND contype = 'f' AND conname = 'products_category_id_fkey'`.execute(db);
  if (fk.length === 0) {
    await sql`ALTER TABLE products ADD CONSTRAINT products_category_id_fkey FOREIGN KEY (category_id) REFERENCES categories (id) ON DELETE SET NULL`.execute(db);
  }

  await seedOperationWords(db);
  await productSyncStatus(db);

  await sql`UPDATE products SET zoho_books_item_id = zoho_item_id WHERE zoho_books_item_id IS NULL AND zoho_item_id IS NOT NULL`.execute(db);
  await sql`UPDATE tds_sync_queue SET seed_operation = tds_seed_operation(operation, entity_type, zoho_id) WHERE seed_operation IS NULL`.execute(db);
  await sql`UPDATE tds_dead_letter_queue SET seed_operation = tds_seed_operation(operation, entity_type, zoho_id) WHERE seed_operation IS NULL`.execute(db);
  await sql`
    UPDATE products SET sync_status = tds_product_sync_status(zoho_item_id, last_synced_at)
    WHERE zoho_item_id IS NOT NULL AND sync_status IS DISTINCT FROM tds_product_sync_status(zoho_item_id, last_synced_at)`.execute(db);
}

/** 'delete' for a deletion; otherwise 'update' when the record's row exists, 'create' when it does not. */
async function seedOperationWords(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION tds_seed_operation(p_operation text, p_entity_type text, p_zoho_id text) RETURNS text
    LANGUAGE plpgsql STABLE AS $$
    DECLARE
      found boolean;
    BEGIN
      IF p_operation = 'delete' THEN RETURN 'delete'; END IF;
      found := CASE p_entity_type
        WHEN 'products' THEN EXISTS (SELECT 1 FROM products WHERE zoho_item_id = p_zoho_id)
        WHEN 'customers' THEN EXISTS (SELECT 1 FROM customers WHERE zoho_contact_id = p_zoho_id)
        WHEN 'invoices' THEN EXISTS (SELECT 1 FROM invoices WHERE zoho_invoice_id = p_zoho_id)
        WHEN 'bills' THEN EXISTS (SELECT 1 FROM bills WHERE zoho_bill_id = p_zoho_id)
        WHEN 'pricelists' THEN EXISTS (SELECT 1 FROM price_lists WHERE zoho_pricebook_id = p_zoho_id)
        -- stock events name adjustments and transfers (they always update existing items); other types are not records
        ELSE true
      END;
      RETURN CASE WHEN found THEN 'update' ELSE 'create' END;
    END
    $$`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION tds_set_seed_operation() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' AND NEW.seed_operation IS NOT NULL THEN RETURN NEW; END IF;
      NEW.seed_operation := tds_seed_operation(NEW.operation, NEW.entity_type, NEW.zoho_id);
      RETURN NEW;
    END
    $$`.execute(db);
  for (const table of ['tds_sync_queue', 'tds_dead_letter_queue']) {
    await sql`
      CREATE TRIGGER tds_seed_operation_insert BEFORE INSERT ON ${sql.table(table)}
      FOR EACH ROW EXECUTE FUNCTION tds_set_seed_operation()`.execute(db);
    // A pending item replaced by a newer event (enqueue's ON CONFLICT) may change its operation.
    await sql`
      CREATE TRIGGER tds_seed_operation_update BEFORE UPDATE OF operation ON ${sql.table(table)}
      FOR EACH ROW WHEN (OLD.operation IS DISTINCT FROM NEW.operation) EXECUTE FUNCTION tds_set_seed_operation()`.execute(db);
  }
}

async function productSyncStatus(db: Kysely<unknown>): Promise<void> {
  // VOLATILE on purpose: each call reads with a fresh snapshot, so a caller that waited for a lock
  // sees what the lock's previous holder committed (a STABLE function would reuse the statement's).
  await sql`
    CREATE OR REPLACE FUNCTION tds_product_sync_status(p_zoho_item_id text, p_last_synced_at timestamptz) RETURNS text
    LANGUAGE sql VOLATILE AS $$
      SELECT CASE
        WHEN EXISTS (SELECT 1 FROM tds_sync_queue WHERE status = 'pending' AND entity_type = 'products' AND zoho_id = p_zoho_item_id)
          OR EXISTS (SELECT 1 FROM tds_sync_queue WHERE status = 'processing' AND entity_type = 'products' AND zoho_id = p_zoho_item_id)
          THEN 'pending'
        WHEN EXISTS (
          SELECT 1 FROM tds_dead_letter_queue
          WHERE entity_type = 'products' AND zoho_id = p_zoho_item_id AND resolved_at IS NULL AND retried_at IS NULL
            AND (p_last_synced_at IS NULL OR failed_at > p_last_synced_at))
          THEN 'error'
        ELSE 'synced'
      END
    $$`.execute(db);

  // One of 128 advisory locks (two-key form, class 15) per product id: bounded, so a statement that
  // inserts thousands of products never fills the lock table; sharing a lock only serialises more.
  // The products INSERT takes it exclusively, a queue writer finding no row shares it: the race to
  // cover is only between an insertion and queue writers. Queue writers never wait for each other on
  // it, so a bulk enqueue (holding nearly every key) and workers completing items (each holding a
  // few, in another order) cannot deadlock on these keys.
  await sql`
    CREATE OR REPLACE FUNCTION tds_lock_product_sync_status(p_zoho_item_id text) RETURNS void LANGUAGE sql AS $$
      SELECT pg_advisory_xact_lock(15, (hashtext(p_zoho_item_id) & 127))
    $$`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION tds_share_product_sync_status_lock(p_zoho_item_id text) RETURNS void LANGUAGE sql AS $$
      SELECT pg_advisory_xact_lock_shared(15, (hashtext(p_zoho_item_id) & 127))
    $$`.execute(db);

  // Called after a queue or dead-letter row of a product changed. Every writer of sync_status locks
  // the product row before it reads the queue (updates of products hold it already), so the last
  // writer always reads what the others committed and no interleaving leaves a stale word. A product
  // row that does not exist (yet) cannot be locked: then the advisory lock, also taken by the
  // products INSERT trigger, covers the race with its insertion (docs/seed-schema.md).
  await sql`
    CREATE OR REPLACE FUNCTION tds_refresh_product_sync_status(p_zoho_item_id text) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM 1 FROM products WHERE zoho_item_id = p_zoho_item_id FOR UPDATE;
      IF NOT FOUND THEN
        PERFORM tds_share_product_sync_status_lock(p_zoho_item_id);
      END IF;
      UPDATE products SET sync_status = s.word
      FROM (SELECT tds_product_sync_status(p.zoho_item_id, p.last_synced_at) AS word FROM products p WHERE p.zoho_item_id = p_zoho_item_id) s
      WHERE zoho_item_id = p_zoho_item_id AND sync_status IS DISTINCT FROM s.word;
    END
    $$`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION tds_queue_product_sync_status() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM tds_refresh_product_sync_status(CASE WHEN TG_OP = 'DELETE' THEN OLD.zoho_id ELSE NEW.zoho_id END);
      RETURN NULL;
    END
    $$`.execute(db);
  // Row triggers with WHEN: rows of other entities, and claims (pending → processing), never call the function.
  const waiting = (row: 'NEW' | 'OLD') => sql.raw(`${row}.status IN ('pending', 'processing')`);
  await sql`
    CREATE TRIGGER tds_product_sync_status_insert AFTER INSERT ON tds_sync_queue FOR EACH ROW
    WHEN (NEW.entity_type = 'products' AND ${waiting('NEW')}) EXECUTE FUNCTION tds_queue_product_sync_status()`.execute(db);
  await sql`
    CREATE TRIGGER tds_product_sync_status_update AFTER UPDATE OF status ON tds_sync_queue FOR EACH ROW
    WHEN (NEW.entity_type = 'products' AND (${waiting('OLD')}) IS DISTINCT FROM (${waiting('NEW')})) EXECUTE FUNCTION tds_queue_product_sync_status()`.execute(db);
  await sql`
    CREATE TRIGGER tds_product_sync_status_delete AFTER DELETE ON tds_sync_queue FOR EACH ROW
    WHEN (OLD.entity_type = 'products' AND ${waiting('OLD')}) EXECUTE FUNCTION tds_queue_product_sync_status()`.execute(db);
  await sql`
    CREATE TRIGGER tds_product_sync_status_insert AFTER INSERT ON tds_dead_letter_queue FOR EACH ROW
    WHEN (NEW.entity_type = 'products') EXECUTE FUNCTION tds_queue_product_sync_status()`.execute(db);
  await sql`
    CREATE TRIGGER tds_product_sync_status_update AFTER UPDATE OF resolved_at, retried_at ON tds_dead_letter_queue FOR EACH ROW
    WHEN (NEW.entity_type = 'products') EXECUTE FUNCTION tds_queue_product_sync_status()`.execute(db);
  await sql`
    CREATE TRIGGER tds_product_sync_status_delete AFTER DELETE ON tds_dead_letter_queue FOR EACH ROW
    WHEN (OLD.entity_type = 'products' AND OLD.resolved_at IS NULL AND OLD.retried_at IS NULL) EXECUTE FUNCTION tds_queue_product_sync_status()`.execute(db);

  // An apply sets last_synced_at: the product's word is worked out again in the same row write.
  await sql`
    CREATE OR REPLACE FUNCTION tds_products_seed_columns() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.zoho_books_item_id := coalesce(NEW.zoho_books_item_id, NEW.zoho_item_id);
      IF TG_OP = 'INSERT' THEN
        PERFORM tds_lock_product_sync_status(NEW.zoho_item_id);
      END IF;
      NEW.sync_status := tds_product_sync_status(NEW.zoho_item_id, NEW.last_synced_at);
      RETURN NEW;
    END
    $$`.execute(db);
  await sql`
    CREATE TRIGGER tds_products_seed_columns_insert BEFORE INSERT ON products FOR EACH ROW
    WHEN (NEW.zoho_item_id IS NOT NULL) EXECUTE FUNCTION tds_products_seed_columns()`.execute(db);
  await sql`
    CREATE TRIGGER tds_products_seed_columns_update BEFORE UPDATE ON products FOR EACH ROW
    WHEN (NEW.zoho_item_id IS NOT NULL AND NEW.last_synced_at IS DISTINCT FROM OLD.last_synced_at) EXECUTE FUNCTION tds_products_seed_columns()`.execute(db);
}
