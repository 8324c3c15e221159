import Decimal from 'decimal.js';
import type { PercentageRule, PriceRoleBook } from '../apply/price-roles';

/**
 * A fixed-percentage price as apply/product-prices.ts computes it in SQL, here in exact decimals:
 * rate × factor, rounded half up to the step by multiplying with whole numbers, minus the ".99"
 * offset, never below zero (docs/prices.md).
 */
export function percentagePrice(rate: string | null, rule: PercentageRule): string | null {
  if (rule.factor === null || rate === null) return null;
  const exact = new Decimal(rate).times(rule.factor);
  const r = rule.rounding;
  if (r === null) return exact.toString();
  const rounded = exact.plus(r.minus).times(r.perUnit).plus('0.5').floor().times(r.step).minus(r.minus);
  return (r.minus === '0' ? rounded : Decimal.max(rounded, 0)).toString();
}

/** What the apply path stores as a product's price for a role: null without a book, the entry of a per-item book, or the computed percentage price. */
export function expectedRolePrice(book: PriceRoleBook | null, entries: ReadonlyMap<string, string | null>, itemId: string, unitPrice: string | null): string | null {
  if (book === null) return null;
  if (book.percentage === null) return entries.get(itemId) ?? null;
  return percentagePrice(unitPrice, book.percentage);
}
