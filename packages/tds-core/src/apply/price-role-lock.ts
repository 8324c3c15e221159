import { sql } from 'kysely';
import type { ApplyTx } from './types';

/*
 * One advisory lock orders product writes against price-list writes (docs/prices.md).
 *
 * Under READ COMMITTED each statement sees what was committed when it started. Without this lock a
 * product write could read price_lists / price_list_items before a price list committed while that
 * price list refreshed products before the product committed: each misses the other and the product
 * keeps a null or old price. With it:
 * - price-list writes (apply, delete) take the lock EXCLUSIVE as their first statement;
 * - every transaction that writes a products row takes it SHARED as its first statement, before it
 *   touches that row, and reads the role books and rates only in later statements.
 * The two cannot hold it together, so for any product write P and price-list write L either L
 * committed before P's lock was granted (a lock is released only after its transaction's commit is
 * visible, so P's later statements see L's lists and entries), or P committed before L's lock was
 * granted (L's refresh statements see P's row). Product writes still run side by side (shared).
 *
 * No deadlock: a product write waits for the lock while holding nothing, and a price list that holds
 * it exclusive never waits on a product row held by a product write (that one would hold the lock).
 * The lock must be its own statement: a statement's snapshot is taken before it runs, so reads in the
 * statement that waits for the lock could predate the price list it waited for.
 */
const PRICE_ROLES_LOCK = sql`hashtextextended('tds:price-roles', 0)`;

/** Price-list applies and deletes: the first statement of their transaction. */
export async function lockPriceRolesExclusive(tx: ApplyTx): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${PRICE_ROLES_LOCK})`.execute(tx);
}

/** Every transaction that writes a products row: its first statement. */
export async function lockPriceRolesShared(tx: ApplyTx): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock_shared(${PRICE_ROLES_LOCK})`.execute(tx);
}
