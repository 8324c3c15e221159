import { sql, type Kysely } from 'kysely';

/**
 * The shared price-role lock and the read of the price lists in one round trip (docs/apply-batches.md):
 * a batch of products took them as two statements, because a statement's snapshot is taken before it
 * runs, so a read in the statement that waits for the lock could predate the price list it waited for
 * (price-role-lock.ts). Inside this VOLATILE PL/pgSQL function the read is a statement of its own,
 * run with a snapshot taken after the lock was granted: the same guarantee, one call.
 * The key is the one price-role-lock.ts takes: hashtextextended('tds:price-roles', 0).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION tds_price_role_lists_under_shared_lock()
    RETURNS TABLE (zoho_pricebook_id text, name text, is_active boolean, pricebook_type text, percentage text, is_increase boolean, rounding_type text)
    LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock_shared(hashtextextended('tds:price-roles', 0));
      RETURN QUERY
        SELECT l.zoho_pricebook_id, l.name, l.is_active, l.pricebook_type, l.percentage::text, l.is_increase, l.rounding_type
        FROM price_lists l WHERE l.deleted_at IS NULL;
    END
    $$`.execute(db);
}
