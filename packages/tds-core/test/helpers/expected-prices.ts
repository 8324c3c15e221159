import Decimal from 'decimal.js';
import { sql, type Kysely } from 'kysely';
import { defaultTransformConfig, type TransformConfig } from '../../src/transform/config';
import { resolvePriceRoleBooks, type PriceListRoleRow } from '../../src/apply/price-roles';

// The test oracle for products' consumer / wholesale prices, computed here from the stored price
// lists with decimal.js, independently of the SQL that sets them (docs/prices.md).

/** rounding_type → [step, subtracted after rounding]; a key not listed leaves the price unrounded. */
const ROUNDINGS: Record<string, [string, string]> = {
  round_to_one_cent: ['0.01', '0'],
  round_to_two_cents: ['0.02', '0'],
  round_to_nickel: ['0.05', '0'],
  round_to_dime: ['0.1', '0'],
  round_to_dime_minus_01: ['0.1', '0.01'],
  round_to_quarter: ['0.25', '0'],
  round_to_half_dollar: ['0.5', '0'],
  round_to_half_dollar_minus_01: ['0.5', '0.01'],
  round_to_half_dollar_minus_05: ['0.5', '0.05'],
  round_to_dollar: ['1', '0'],
  round_to_dollor: ['1', '0'],
  round_to_dollar_minus_01: ['1', '0.01'],
  round_to_dollar_minus_02: ['1', '0.02'],
  round_to_dollar_minus_05: ['1', '0.05'],
  round_to_dollar_minus_11: ['1', '0.11'],
};

/** A fixed-percentage list's price for an item rate, or null (docs/prices.md). */
export function expectedPercentagePrice(
  rate: string | null,
  list: { percentage: string | null; is_increase: boolean | null; rounding_type: string | null },
): Decimal | null {
  if (rate === null || list.percentage === null) return null;
  const percentage = new Decimal(list.percentage);
  const exact = new Decimal(rate).times(new Decimal(100).plus(list.is_increase === true ? percentage : percentage.negated())).dividedBy(100);
  const rounding = ROUNDINGS[(list.rounding_type ?? '').trim().toLowerCase()];
  if (!rounding) return exact;
  const [step, minus] = rounding.map((v) => new Decimal(v)) as [Decimal, Decimal];
  const rounded = exact.plus(minus).dividedBy(step).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).times(step).minus(minus);
  return minus.isZero() ? rounded : Decimal.max(rounded, 0);
}

export interface WrongPrice {
  zoho_item_id: string;
  column: 'consumer_price' | 'wholesale_price';
  stored: string | null;
  expected: string | null;
}

type Names = Pick<TransformConfig, 'consumerPriceListName' | 'wholesalePriceListName'>;

/** Every product whose consumer / wholesale price differs from what the stored price lists give it. */
export async function findWrongPrices(db: Kysely<any>, names: Names = defaultTransformConfig): Promise<WrongPrice[]> {
  const { rows: lists } = await sql<PriceListRoleRow>`
SELECT zoho_pricebook_id, name, is_active, pricebook_type, percentage::text AS percentage, is_increase, rounding_type
FROM price_lists WHERE deleted_at IS NULL`.execute(db);
  const books = resolvePriceRoleBooks(lists, names);
  const { rows: products } = await sql<{ zoho_item_id: string; unit_price: string | null; consumer_price: string | null; wholesale_price: string | null }>`
SELECT zoho_item_id, unit_price::text, consumer_price::text, wholesale_price::text FROM products`.execute(db);
  const { rows: entries } = await sql<{ zoho_pricebook_id: string; zoho_item_id: string; rate: string | null }>`
SELECT zoho_pricebook_id, zoho_item_id, rate::text FROM price_list_items WHERE deleted_at IS NULL`.execute(db);
  const rates = new Map(entries.map((e) => [`${e.zoho_pricebook_id}/${e.zoho_item_id}`, e.rate]));
  const wrong: WrongPrice[] = [];
  for (const [role, column] of [['consumer', 'consumer_price'], ['wholesale', 'wholesale_price']] as const) {
    const id = books[role]?.id;
    const list = lists.find((l) => l.zoho_pricebook_id === id);
    for (const p of products) {
      let expected: Decimal | null = null;
      if (list && list.pricebook_type === 'fixed_percentage') expected = expectedPercentagePrice(p.unit_price, list);
      else if (list) expected = toDecimal(rates.get(`${list.zoho_pricebook_id}/${p.zoho_item_id}`) ?? null);
      const stored = toDecimal(p[column]);
      const same = stored === null || expected === null ? stored === expected : stored.equals(expected);
      if (!same) wrong.push({ zoho_item_id: p.zoho_item_id, column, stored: p[column], expected: expected?.toString() ?? null });
    }
  }
  return wrong;
}

const toDecimal = (value: string | null) => (value === null ? null : new Decimal(value));
