import { sql } from 'kysely';
import { resolvePriceRoleBooks, type PriceListRoleRow, type PriceRoleBooks, type RoleNames } from './price-roles';
import type { ApplyTx } from './types';

/**
 * lockPriceRolesShared then loadPriceRoleBooks in one round trip, for a transaction's first statement
 * (docs/apply-batches.md): the function of migration 0019 takes the lock, then reads the lists in a
 * statement of its own, whose snapshot is taken after the lock was granted (price-role-lock.ts).
 */
export async function lockPriceRolesSharedAndLoadBooks(tx: ApplyTx, config: RoleNames): Promise<PriceRoleBooks> {
  const { rows } = await sql<PriceListRoleRow>`SELECT * FROM tds_price_role_lists_under_shared_lock()`.execute(tx);
  return resolvePriceRoleBooks(rows, config);
}
