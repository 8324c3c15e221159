import { sql, type RawBuilder } from 'kysely';
import { priceColumnOf, type PriceRole } from '../transform/price-role';
import type { PercentageRule, PriceRoleBook, PriceRoleBooks } from './price-roles';
import type { ApplyTx } from './types';

/**
 * A fixed-percentage price from the product's rate, in numeric (exact): rate × factor, then rounded
 * half up to the nearest multiple of the step by multiplying (never dividing) with whole numbers,
 * then minus the ".99" offset, never below zero (docs/prices.md).
 */
function percentagePrice(rate: RawBuilder<unknown>, rule: PercentageRule): RawBuilder<unknown> {
  if (rule.factor === null) return sql`NULL::numeric`;
  const exact = sql`(${rate} * ${rule.factor}::numeric)`;
  const r = rule.rounding;
  if (r === null) return exact;
  const rounded = sql`(floor((${exact} + ${r.minus}::numeric) * ${r.perUnit}::numeric + 0.5) * ${r.step}::numeric - ${r.minus}::numeric)`;
  return r.minus === '0' ? rounded : sql`greatest(${rounded}, 0::numeric)`;
}

/** The price a role's list gives the products row aliased `alias` (null when no list plays the role). */
function priceOf(book: PriceRoleBook | null, alias: string): RawBuilder<unknown> {
  if (book === null) return sql`NULL::numeric`;
  if (book.percentage !== null) return percentagePrice(sql.ref(`${alias}.unit_price`), book.percentage);
  return sql`(SELECT i.rate FROM price_list_items i
   WHERE i.zoho_pricebook_id = ${book.id}::text AND i.zoho_item_id = ${sql.ref(`${alias}.zoho_item_id`)} AND i.deleted_at IS NULL)`;
}

/** The consumer and wholesale prices the role books give the products row aliased `alias` (product-batch-links.ts). */
export function pricesOf(books: PriceRoleBooks, alias: string): { consumer: RawBuilder<unknown>; wholesale: RawBuilder<unknown> } {
  return { consumer: priceOf(books.consumer, alias), wholesale: priceOf(books.wholesale, alias) };
}

/**
 * Sets a product's category link and its consumer / wholesale prices from the role books (entries of
 * a per-item list, the product's rate for a fixed-percentage one). The caller holds the shared
 * price-role lock and read `books` after taking it (price-role-lock.ts).
 */
export async function linkProduct(tx: ApplyTx, productId: string, categoryId: string | null, books: PriceRoleBooks): Promise<void> {
  await sql`
UPDATE products p SET
  category_id = ${categoryId}::bigint,
  consumer_price = ${priceOf(books.consumer, 'p')},
  wholesale_price = ${priceOf(books.wholesale, 'p')}
WHERE p.id = ${productId}::bigint`.execute(tx);
}

/**
 * Re-computes one price column of products from the list that now plays its role (null for every
 * product when none does), for all products or only the given items. Only rows whose value differs
 * are written. The caller holds the exclusive price-role lock.
 */
export async function refreshProductPrices(tx: ApplyTx, role: PriceRole, book: PriceRoleBook | null, itemIds?: readonly string[]): Promise<number> {
  const column = sql.ref(priceColumnOf[role]);
  const only = itemIds === undefined ? sql`` : sql`AND p2.zoho_item_id = ANY(${[...itemIds]}::text[])`;
  const result = await sql`
UPDATE products p SET ${column} = n.price, updated_at = now()
FROM (SELECT p2.id, ${priceOf(book, 'p2')} AS price FROM products p2 WHERE true ${only}) n
WHERE p.id = n.id AND p.${column}::text IS DISTINCT FROM n.price::text`.execute(tx);
  return Number(result.numAffectedRows ?? 0);
}
