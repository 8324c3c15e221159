import { sql } from 'kysely';
import { resolvePriceRoleBooks, type PriceListRoleRow, type PriceRoleBooks, type RoleNames } from './price-roles';
import type { ApplyTx } from './types';

/**
 * lockPriceRolesShared then loadPriceRoleBooks in one round trip, for a transaction's first statement
 * (docs/apply-batches.md): the function of migration 0019 takes the lock, then reads the lists in a
 * statement of its own, whose snapshot is taken after the lock was granted (price-role-lock.ts).
 * It also takes the sync_status keys of `productIds` shared, in key order (migration 0020,
 * docs/seed-schema.md), so the products INSERT that follows never waits for a key in row order.
 */
export async function lockPriceRolesSharedAndLoadBooks(tx: ApplyTx, config: RoleNames, productIds: readonly string[]): Promise<PriceRoleBooks> {
  const { rows } = await sql<PriceListRoleRow>`SELECT * FROM tds_price_role_lists_under_shared_lock(${[...productIds]}::text[])`.execute(tx);
  return resolvePriceRoleBooks(rows, config);
}
