import { sql, type Kysely } from 'kysely';

/**
 * The sync_status advisory keys (class 15, hashtext(zoho_item_id) & 127; 0011, 0016,
 * docs/seed-schema.md) with the modes swapped, so inserting applies never wait for each other:
 * - a products INSERT takes its key SHARED: two workers' batches of new products no longer queue on
 *   each other's commits, and cannot deadlock on the keys (docs/apply-batches.md);
 * - a queue writer takes the key EXCLUSIVE for each product it finds no row of, in key order, BEFORE
 *   it locks the rows that exist (an apply also takes its keys before its row locks: one order);
 * - the batch apply takes the keys of all its products SHARED, in key order, in its first statement
 *   (with the price-role lock and the role books, 0019), so the row trigger's re-take in insertion
 *   order is re-entrant and never waits.
 * The race the key is for is unchanged: an insertion and a queue writer of a product not stored yet
 * still exclude each other, and whichever comes second reads what the first committed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION tds_products_seed_columns() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.zoho_books_item_id := coalesce(NEW.zoho_books_item_id, NEW.zoho_item_id);
      IF TG_OP = 'INSERT' THEN
        PERFORM pg_advisory_xact_lock_shared(15, (hashtext(NEW.zoho_item_id) & 127));
      END IF;
      NEW.sync_status := tds_product_sync_status(NEW.zoho_item_id, NEW.last_synced_at);
      RETURN NEW;
    END
    $$`.execute(db);

  // Every product of p_ids ends up covered by its row lock or by its key held exclusively. The keys
  // come first: a queue writer holding rows while it waited for a key an inserting apply holds (and
  // that apply waiting for those rows) would be a deadlock.
  await sql`
    CREATE OR REPLACE FUNCTION tds_refresh_products_sync_status(p_ids text[]) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      keyed int[];
      locked text[];
      key int;
    BEGIN
      SELECT coalesce(array_agg(DISTINCT hashtext(i) & 127 ORDER BY hashtext(i) & 127), '{}') INTO keyed
      FROM unnest(p_ids) AS i WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.zoho_item_id = i);
      FOREACH key IN ARRAY keyed LOOP
        PERFORM pg_advisory_xact_lock(15, key);
      END LOOP;
      SELECT coalesce(array_agg(l.zoho_item_id), '{}') INTO locked
      FROM (SELECT zoho_item_id FROM products WHERE zoho_item_id = ANY (p_ids) ORDER BY zoho_item_id FOR UPDATE) l;
      -- A row seen at first but gone by now (a hard delete): its key, out of order, as the only cover left.
      FOR key IN
        SELECT DISTINCT hashtext(i) & 127 FROM unnest(p_ids) AS i WHERE i <> ALL (locked) AND (hashtext(i) & 127) <> ALL (keyed) ORDER BY 1
      LOOP
        PERFORM pg_advisory_xact_lock(15, key);
      END LOOP;
      UPDATE products p SET sync_status = s.word
      FROM (SELECT t.id, tds_product_sync_status(t.zoho_item_id, t.last_synced_at) AS word FROM products t WHERE t.zoho_item_id = ANY (p_ids)) s
      WHERE p.id = s.id AND p.sync_status IS DISTINCT FROM s.word;
    END
    $$`.execute(db);

  // 0019's function, also taking the batch's product keys shared in key order after the price-role lock.
  await sql`
    CREATE OR REPLACE FUNCTION tds_price_role_lists_under_shared_lock(p_product_ids text[])
    RETURNS TABLE (zoho_pricebook_id text, name text, is_active boolean, pricebook_type text, percentage text, is_increase boolean, rounding_type text)
    LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
      key int;
    BEGIN
      PERFORM pg_advisory_xact_lock_shared(hashtextextended('tds:price-roles', 0));
      FOR key IN SELECT DISTINCT hashtext(i) & 127 FROM unnest(p_product_ids) AS i ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock_shared(15, key);
      END LOOP;
      RETURN QUERY
        SELECT l.zoho_pricebook_id, l.name, l.is_active, l.pricebook_type, l.percentage::text, l.is_increase, l.rounding_type
        FROM price_lists l WHERE l.deleted_at IS NULL;
    END
    $$`.execute(db);
}
