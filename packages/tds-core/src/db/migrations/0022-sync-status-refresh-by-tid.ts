import { sql, type Kysely } from 'kysely';

/**
 * tds_refresh_products_sync_status rewrites only what it locked, found by tuple id
 * (docs/apply-batches.md, "The refresh's kept plan, and a fairer clock"). 0021's final UPDATE found
 * its rows by `zoho_item_id = ANY (locked)` twice (the target and the words' subquery). PL/pgSQL
 * keeps a statement's plan: one made while `products`
 * was small (every fresh install, the first full sync) kept two sequential scans of the whole table,
 * each comparing every row with every locked id: 55 of the 69 ms of a refresh of 200 products at
 * 10 000 rows, the largest server cost of the apply.
 *
 * Now the lock statement computes each locked row's word right after that row's lock was granted
 * (the word function is VOLATILE: a fresh snapshot, so it reads what the lock's previous holder
 * committed, as before), and keeps the tuple id of each row whose word changes. The UPDATE reaches
 * those rows by tuple id only (a TID scan, whatever the table's size or statistics). The ids cannot
 * move in between: the rows are locked by this transaction, and nothing else in it runs between the
 * two statements. The row count of the UPDATE is checked against them all the same: a row missed
 * would be a wrong word with no error, so it raises instead (the statement that fired it fails, and
 * its transaction writes nothing).
 * Same locks, in the same order (keys in key order, then rows in zoho_item_id order), same words.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION tds_refresh_products_sync_status(p_ids text[]) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      seen text[];
      keyed int[];
      locked text[];
      stale tid[];
      words text[];
      key int;
      written int;
    BEGIN
      SELECT coalesce(array_agg(s.i) FILTER (WHERE s.found), '{}'),
             coalesce(array_agg(DISTINCT s.key ORDER BY s.key) FILTER (WHERE NOT s.found), '{}')
        INTO seen, keyed
      FROM (SELECT i, hashtext(i) & 127 AS key, EXISTS (SELECT 1 FROM products p WHERE p.zoho_item_id = i) AS found
            FROM unnest(p_ids) AS i) s;
      -- Keys before rows (0020): in key order, one statement.
      PERFORM pg_advisory_xact_lock(15, k) FROM unnest(keyed) WITH ORDINALITY AS u(k, n) ORDER BY n;
      -- The word of a row is computed above its LockRows node: after that row's lock was granted.
      SELECT coalesce(array_agg(w.zoho_item_id), '{}'),
             coalesce(array_agg(w.tid) FILTER (WHERE w.sync_status IS DISTINCT FROM w.word), '{}'),
             coalesce(array_agg(w.word) FILTER (WHERE w.sync_status IS DISTINCT FROM w.word), '{}')
        INTO locked, stale, words
      FROM (SELECT l.zoho_item_id, l.tid, l.sync_status, tds_product_sync_status(l.zoho_item_id, l.last_synced_at) AS word
            FROM (SELECT zoho_item_id, ctid AS tid, sync_status, last_synced_at FROM products
                  WHERE zoho_item_id = ANY (p_ids) ORDER BY zoho_item_id FOR UPDATE) l
            OFFSET 0) w;
      IF cardinality(seen) > 0 THEN
        -- A row seen at first but gone by now (a hard delete): its key, out of order, as the only cover left.
        FOR key IN
          SELECT DISTINCT hashtext(g.i) & 127 FROM (SELECT unnest(seen) EXCEPT SELECT unnest(locked)) AS g(i)
          WHERE (hashtext(g.i) & 127) <> ALL (keyed) ORDER BY 1
        LOOP
          PERFORM pg_advisory_xact_lock(15, key);
        END LOOP;
      END IF;
      IF cardinality(stale) > 0 THEN
        UPDATE products p SET sync_status = w.word
        FROM unnest(stale, words) AS w(tid, word)
        WHERE p.ctid = ANY (stale) AND p.ctid = w.tid;
        GET DIAGNOSTICS written = ROW_COUNT;
        IF written <> cardinality(stale) THEN
          RAISE EXCEPTION 'tds_refresh_products_sync_status: % of % locked products rewritten', written, cardinality(stale);
        END IF;
      END IF;
    END
    $$`.execute(db);
}
