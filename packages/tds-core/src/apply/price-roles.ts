import Decimal from 'decimal.js';
import { sql } from 'kysely';
import type { TransformConfig } from '../transform/config';
import { priceRoleOf, type PriceRole } from '../transform/price-role';
import { priceRoundingOf, type PriceRounding } from '../transform/price-rounding';
import type { ApplyDb, ApplyTx } from './types';

/** How a fixed-percentage list prices an item from its own rate (docs/prices.md). */
export interface PercentageRule {
  /** The item rate's multiplier, (100 ± percentage) / 100 exactly; null when the list has no usable percentage (no price). */
  factor: string | null;
  /** Null: the computed price is kept exact, unrounded. */
  rounding: PriceRounding | null;
}

/** The price list feeding one of TSH's product prices. */
export interface PriceRoleBook {
  id: string;
  /** Null for a per-item list: its entries (price_list_items) hold the rates. */
  percentage: PercentageRule | null;
}

/** Which stored price list feeds each of TSH's product prices (null: none does, so the price is null). */
export type PriceRoleBooks = Record<PriceRole, PriceRoleBook | null>;

export interface PriceListRoleRow {
  zoho_pricebook_id: string;
  name: string;
  is_active: boolean;
  pricebook_type: string | null;
  percentage: string | null;
  is_increase: boolean | null;
  rounding_type: string | null;
}

export type RoleNames = Pick<TransformConfig, 'consumerPriceListName' | 'wholesalePriceListName'>;

/**
 * Picks the price list of each role among the stored, not deleted ones whose name matches the
 * configured name. When several match, an active list wins over an inactive one, then the lowest
 * Zoho id, so every process picks the same list.
 */
export function resolvePriceRoleBooks(rows: readonly PriceListRoleRow[], config: RoleNames): PriceRoleBooks {
  const chosen: Partial<Record<PriceRole, PriceListRoleRow>> = {};
  for (const row of rows) {
    const role = priceRoleOf(row.name, config);
    if (role === null) continue;
    const current = chosen[role];
    const better =
      current === undefined ||
      (row.is_active && !current.is_active) ||
      (row.is_active === current.is_active && compareIds(row.zoho_pricebook_id, current.zoho_pricebook_id) < 0);
    if (better) chosen[role] = row;
  }
  return { consumer: roleBookOf(chosen.consumer), wholesale: roleBookOf(chosen.wholesale) };
}

function roleBookOf(row: PriceListRoleRow | undefined): PriceRoleBook | null {
  if (row === undefined) return null;
  const isPercentage = row.pricebook_type?.trim().toLowerCase() === 'fixed_percentage';
  return { id: row.zoho_pricebook_id, percentage: isPercentage ? percentageRuleOf(row) : null };
}

/** Markup when is_increase is true, markdown otherwise (a missing flag is read as a markdown; docs/prices.md). */
function percentageRuleOf(row: PriceListRoleRow): PercentageRule {
  const rounding = priceRoundingOf(row.rounding_type);
  if (row.percentage === null) return { factor: null, rounding };
  const percentage = new Decimal(row.percentage);
  const signed = row.is_increase === true ? percentage : percentage.negated();
  return { factor: signed.plus(100).dividedBy(100).toString(), rounding };
}

/** Two role books price every product alike. */
export function sameRoleBook(a: PriceRoleBook | null, b: PriceRoleBook | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Zoho ids are digit strings of equal length in practice; compare numerically when both are digits. */
function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Reads the role books from the price_lists table (inside the caller's transaction when given one).
 * Product writes call it on every write, after taking the shared price-role lock, instead of
 * caching it: a cache would be invalidated only in the process that changed a list, so another
 * process would price products from an old mapping (docs/prices.md). The table holds a handful of rows.
 */
export async function loadPriceRoleBooks(db: ApplyDb | ApplyTx, config: RoleNames): Promise<PriceRoleBooks> {
  const { rows } = await sql<PriceListRoleRow>`
SELECT zoho_pricebook_id, name, is_active, pricebook_type, percentage::text AS percentage, is_increase, rounding_type
FROM price_lists WHERE deleted_at IS NULL`.execute(db);
  return resolvePriceRoleBooks(rows, config);
}
