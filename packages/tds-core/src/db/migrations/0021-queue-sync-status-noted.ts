import { sql, type Kysely } from 'kysely';

/**
 * products.sync_status kept from the queue without copying every queue row (docs/queue-speed.md,
 * "The product sync_status triggers"). 0016's statement triggers on tds_sync_queue declared
 * transition tables, so every row an INSERT or UPDATE of the queue touched was copied into a
 * tuplestore and scanned, products or not: 16 % of the queue's server CPU on a queue of other
 * entities. Now:
 * - row triggers whose WHEN (evaluated before anything is queued, nothing copied) passes only a
 *   product item whose waiting state (pending or processing), id or entity changes; each notes the
 *   product id in a transaction-local setting (a JSON array's text, so any id survives), which a
 *   savepoint's rollback takes back with the statement;
 * - one statement trigger per event, without transition tables, takes the noted ids (PostgreSQL
 *   fires a statement's row triggers before its statement triggers, at the same query level, so a
 *   statement's ids are taken by its own statement trigger) and refreshes them as 0016 did: sorted,
 *   in one call of tds_refresh_products_sync_status.
 * A claim (pending → processing) changes no word and now fires nothing per row.
 * The dead-letter triggers keep their transition tables (a dead letter is rare, and its rows are
 * nearly all that a statement there touches).
 *
 * tds_refresh_products_sync_status does the same as 0020's with less work per id: the ids that had
 * a row at the first look are kept, so the cover for a row deleted meanwhile is looked for among
 * those only (an EXCEPT, not a comparison of every id against every key), and the word is
 * recomputed for the locked rows only (every other id's row cannot exist before this transaction
 * ends: its insert waits for the key held here).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION tds_refresh_products_sync_status(p_ids text[]) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      seen text[];
      keyed int[];
      locked text[];
      key int;
    BEGIN
      SELECT coalesce(array_agg(s.i) FILTER (WHERE s.found), '{}'),
             coalesce(array_agg(DISTINCT s.key ORDER BY s.key) FILTER (WHERE NOT s.found), '{}')
        INTO seen, keyed
      FROM (SELECT i, hashtext(i) & 127 AS key, EXISTS (SELECT 1 FROM products p WHERE p.zoho_item_id = i) AS found
            FROM unnest(p_ids) AS i) s;
      -- Keys before rows (0020): in key order, one statement.
      PERFORM pg_advisory_xact_lock(15, k) FROM unnest(keyed) WITH ORDINALITY AS u(k, n) ORDER BY n;
      SELECT coalesce(array_agg(l.zoho_item_id), '{}') INTO locked
      FROM (SELECT zoho_item_id FROM products WHERE zoho_item_id = ANY (p_ids) ORDER BY zoho_item_id FOR UPDATE) l;
      IF cardinality(seen) > 0 THEN
        -- A row seen at first but gone by now (a hard delete): its key, out of order, as the only cover left.
        FOR key IN
          SELECT DISTINCT hashtext(g.i) & 127 FROM (SELECT unnest(seen) EXCEPT SELECT unnest(locked)) AS g(i)
          WHERE (hashtext(g.i) & 127) <> ALL (keyed) ORDER BY 1
        LOOP
          PERFORM pg_advisory_xact_lock(15, key);
        END LOOP;
      END IF;
      IF cardinality(locked) > 0 THEN
        UPDATE products p SET sync_status = s.word
        FROM (SELECT t.id, tds_product_sync_status(t.zoho_item_id, t.last_synced_at) AS word FROM products t WHERE t.zoho_item_id = ANY (locked)) s
        WHERE p.zoho_item_id = ANY (locked) AND p.id = s.id AND p.sync_status IS DISTINCT FROM s.word;
      END IF;
    END
    $$`.execute(db);

  await sql`
    CREATE OR REPLACE FUNCTION tds_queue_note_product_sync_status() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      noted text := coalesce(current_setting('tds.sync_status_products', true), '');
    BEGIN
      -- Nested IFs: NEW is unassigned in a DELETE trigger and OLD in an INSERT one, and an AND does not
      -- promise to stop at its first false operand.
      IF TG_OP <> 'DELETE' THEN
        IF NEW.entity_type = 'products' THEN
          noted := noted || ',' || to_json(NEW.zoho_id)::text;
        END IF;
      END IF;
      IF TG_OP = 'DELETE' THEN
        noted := noted || ',' || to_json(OLD.zoho_id)::text;
      ELSIF TG_OP = 'UPDATE' THEN
        IF OLD.entity_type = 'products' AND OLD.status IN ('pending', 'processing')
           AND (OLD.zoho_id IS DISTINCT FROM NEW.zoho_id OR OLD.entity_type IS DISTINCT FROM NEW.entity_type) THEN
          noted := noted || ',' || to_json(OLD.zoho_id)::text;
        END IF;
      END IF;
      PERFORM set_config('tds.sync_status_products', noted, true);
      RETURN NULL;
    END
    $$`.execute(db);

  await sql`
    CREATE OR REPLACE FUNCTION tds_queue_refresh_noted_sync_status() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      noted text := current_setting('tds.sync_status_products', true);
      ids text[];
    BEGIN
      IF noted IS NULL OR noted = '' THEN
        RETURN NULL;
      END IF;
      PERFORM set_config('tds.sync_status_products', '', true);
      SELECT array_agg(DISTINCT e ORDER BY e) INTO ids FROM jsonb_array_elements_text(('[' || substr(noted, 2) || ']')::jsonb) AS e;
      PERFORM tds_refresh_products_sync_status(ids);
      RETURN NULL;
    END
    $$`.execute(db);

  const waiting = (row: string) => `${row}.status IN ('pending', 'processing')`;
  const when = {
    INSERT: `NEW.entity_type = 'products' AND ${waiting('NEW')}`,
    UPDATE: `(NEW.entity_type = 'products' OR OLD.entity_type = 'products')
             AND ((${waiting('OLD')}) IS DISTINCT FROM (${waiting('NEW')})
                  OR OLD.zoho_id IS DISTINCT FROM NEW.zoho_id OR OLD.entity_type IS DISTINCT FROM NEW.entity_type)`,
    DELETE: `OLD.entity_type = 'products' AND ${waiting('OLD')}`,
  };
  for (const event of ['INSERT', 'UPDATE', 'DELETE'] as const) {
    const name = `tds_product_sync_status_${event.toLowerCase()}`;
    await sql`DROP TRIGGER IF EXISTS ${sql.raw(name)} ON tds_sync_queue`.execute(db);
    await sql`DROP FUNCTION IF EXISTS ${sql.raw(`tds_queue_sync_status_${event.toLowerCase()}`)}()`.execute(db);
    await sql`
      CREATE TRIGGER ${sql.raw(`tds_product_sync_status_note_${event.toLowerCase()}`)} AFTER ${sql.raw(event)} ON tds_sync_queue
      FOR EACH ROW WHEN (${sql.raw(when[event])}) EXECUTE FUNCTION tds_queue_note_product_sync_status()`.execute(db);
    await sql`
      CREATE TRIGGER ${sql.raw(name)} AFTER ${sql.raw(event)} ON tds_sync_queue
      FOR EACH STATEMENT EXECUTE FUNCTION tds_queue_refresh_noted_sync_status()`.execute(db);
  }
}
