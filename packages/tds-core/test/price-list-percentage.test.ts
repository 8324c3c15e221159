import Decimal from 'decimal.js';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyPriceList, applyProduct, createApplyContext, deletePriceList } from '../src/apply';
import { priceRoundingOf } from '../src/transform/price-rounding';
import { item, pricebook, rawItem, rawPricebook } from './apply-fixtures';
import { expectedPercentagePrice, findWrongPrices } from './helpers/expected-prices';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// Fixed-percentage price lists price a product from its own rate (docs/prices.md).

let t: TestDatabase;
const ctx = createApplyContext();

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE products, categories, stock_levels, price_lists, price_list_items RESTART IDENTITY CASCADE`.execute(t.db);
});

function percentageList(fields: { percentage: string | number; is_increase: boolean; rounding_type?: string | null; name?: string; pricebook_id?: string }) {
  const { pricebook_items: _none, ...raw } = rawPricebook([], { pricebook_type: 'fixed_percentage', name: 'Consumer Price List', rounding_type: 'no_rounding', ...fields });
  return raw;
}

/** Equal as exact decimals ("18.0500" is 18.05); null only for null. */
function expectSamePrice(stored: string | null | undefined, expected: string | null): void {
  if (expected === null) expect(stored).toBeNull();
  else expect(stored !== null && stored !== undefined && new Decimal(stored).equals(expected), `${stored} = ${expected}`).toBe(true);
}

async function prices(itemId: unknown) {
  const { rows } = await sql<{ consumer_price: string | null; wholesale_price: string | null }>`
SELECT consumer_price::text, wholesale_price::text FROM products WHERE zoho_item_id = ${String(itemId)}`.execute(t.db);
  return rows[0];
}

describe('fixed-percentage price lists', () => {
  it('mark a product up or down from its rate, exactly', async () => {
    const product = rawItem({ rate: '19' });
    await applyProduct(t.db, item(product), ctx);
    await applyPriceList(t.db, pricebook(percentageList({ percentage: '5', is_increase: false })), ctx);
    await applyPriceList(t.db, pricebook(percentageList({ percentage: '12.5', is_increase: true, name: 'Wholesale Price List' })), ctx);
    const stored = await prices(product.item_id);
    expectSamePrice(stored?.consumer_price, '18.05');
    expectSamePrice(stored?.wholesale_price, '21.375');
    expect(await findWrongPrices(t.db)).toEqual([]);
  });

  it.each([
    ['no_rounding', '19', '5', false, '18.05'],
    ['round_to_dollar', '19', '5', false, '18'],
    ['round_to_dollar', '12500', '12.5', true, '14063'],
    ['round_to_dollar_minus_01', '19', '5', false, '17.99'],
    ['round_to_dollar_minus_01', '19.50', '3', true, '19.99'],
    ['round_to_half_dollar', '19', '5', false, '18'],
    ['round_to_half_dollar', '19.40', '1', true, '19.5'],
    ['round_to_half_dollar_minus_01', '18.30', '0', true, '18.49'],
    ['round_to_quarter', '10.10', '0', false, '10'],
    ['round_to_quarter', '10.13', '0', false, '10.25'],
    ['round_to_dollor', '2.5', '0', true, '3'],
    ['round_to_dollar_minus_01', '0.20', '0', false, '0'],
    ['round_based_on_decimal', '19', '5', false, '18.05'],
    [null, '19', '5', false, '18.05'],
  ] as const)('rounding %s: rate %s, percentage %s, markup %s → %s', async (roundingType, rate, percentage, isIncrease, expected) => {
    const product = rawItem({ rate });
    await applyPriceList(t.db, pricebook(percentageList({ percentage, is_increase: isIncrease, rounding_type: roundingType })), ctx);
    await applyProduct(t.db, item(product), ctx);
    const stored = await prices(product.item_id);
    expectSamePrice(stored?.consumer_price, expected);
  });

  it('follow the product when its rate changes, and every product when the list changes', async () => {
    const a = rawItem({ rate: '100', last_modified_time: '2025-06-01T10:00:00+0300' });
    const b = rawItem({ rate: '40' });
    const list = percentageList({ percentage: '10', is_increase: true, rounding_type: 'round_to_dollar' });
    await applyPriceList(t.db, pricebook(list), ctx);
    await applyProduct(t.db, item(a), ctx);
    await applyProduct(t.db, item(b), ctx);
    expect((await prices(a.item_id))?.consumer_price).toBe('110');
    await applyProduct(t.db, item({ ...a, rate: '200', last_modified_time: '2025-06-02T10:00:00+0300' }), ctx);
    expect((await prices(a.item_id))?.consumer_price).toBe('220');
    expect(await applyPriceList(t.db, pricebook({ ...list, percentage: '25', is_increase: false }), ctx)).toBe('updated');
    expect(await prices(a.item_id)).toMatchObject({ consumer_price: '150' });
    expect(await prices(b.item_id)).toMatchObject({ consumer_price: '30' });
    expect(await applyPriceList(t.db, pricebook({ ...list, percentage: '25', is_increase: false, rounding_type: 'round_to_dollar_minus_01' }), ctx)).toBe('updated');
    expect(await prices(b.item_id)).toMatchObject({ consumer_price: '29.99' });
    expect(await findWrongPrices(t.db)).toEqual([]);
  });

  it('a role moving between a per-item list and a percentage list re-prices every product', async () => {
    const listed = rawItem({ rate: '1000' });
    const unlisted = rawItem({ rate: '80' });
    const perItem = rawPricebook([{ item_id: String(listed.item_id), pricebook_rate: '900' }], { name: 'Wholesale Price List' });
    const markdown = percentageList({ percentage: '20', is_increase: false, name: 'Dealers' });
    await applyPriceList(t.db, pricebook(perItem), ctx);
    await applyPriceList(t.db, pricebook(markdown), ctx);
    await applyProduct(t.db, item(listed), ctx);
    await applyProduct(t.db, item(unlisted), ctx);
    expect(await prices(listed.item_id)).toMatchObject({ wholesale_price: '900' });
    expect(await prices(unlisted.item_id)).toMatchObject({ wholesale_price: null });

    await applyPriceList(t.db, pricebook({ ...perItem, name: 'Wholesale (old)' }), ctx);
    await applyPriceList(t.db, pricebook({ ...markdown, name: 'Wholesale Price List' }), ctx);
    expectSamePrice((await prices(listed.item_id))?.wholesale_price, '800');
    expectSamePrice((await prices(unlisted.item_id))?.wholesale_price, '64');

    expect(await deletePriceList(t.db, String(markdown.pricebook_id), ctx)).toBe('deleted');
    expect(await prices(listed.item_id)).toMatchObject({ wholesale_price: null });
    await applyPriceList(t.db, pricebook({ ...perItem, name: 'Wholesale Price List' }), ctx);
    expect(await prices(listed.item_id)).toMatchObject({ wholesale_price: '900' });
    expect(await findWrongPrices(t.db)).toEqual([]);
  });

  it('a list without a percentage gives no price, and a product without a rate gets none', async () => {
    const product = rawItem({ rate: '' });
    await applyPriceList(t.db, pricebook(percentageList({ percentage: '', is_increase: true })), ctx);
    await applyProduct(t.db, item(product), ctx);
    expect(await prices(product.item_id)).toMatchObject({ consumer_price: null });
    expect(await findWrongPrices(t.db)).toEqual([]);
  });

  it('the SQL price equals the decimal.js computation for any rate, percentage and rounding', async () => {
    const keys = ['no_rounding', 'round_to_one_cent', 'round_to_two_cents', 'round_to_nickel', 'round_to_dime', 'round_to_dime_minus_01', 'round_to_quarter',
      'round_to_half_dollar', 'round_to_half_dollar_minus_01', 'round_to_half_dollar_minus_05', 'round_to_dollar', 'round_to_dollar_minus_01',
      'round_to_dollar_minus_02', 'round_to_dollar_minus_05', 'round_to_dollar_minus_11', 'round_based_on_decimal', 'something_new'];
    const amount = (max: number, places: number) =>
      fc.tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max: 10 ** places - 1 })).map(([whole, part]) => `${whole}.${String(part).padStart(places, '0')}`);
    const list = rawPricebook([], { pricebook_type: 'fixed_percentage' });
    const product = rawItem({ last_modified_time: null });
    let version = 0;
    await fc.assert(
      fc.asyncProperty(amount(2_000_000_000, 3), amount(99, 2), fc.boolean(), fc.constantFrom(...keys), async (rate, percentage, isIncrease, roundingType) => {
        const pinned = { ...list, percentage, is_increase: isIncrease, rounding_type: roundingType };
        await applyPriceList(t.db, pricebook(pinned), ctx);
        await applyProduct(t.db, item({ ...product, rate, last_modified_time: new Date(Date.UTC(2025, 0, 1, 0, 0, ++version)).toISOString().replace('.000Z', '+0000') }), ctx);
        const stored = (await prices(product.item_id))?.consumer_price;
        const expected = expectedPercentagePrice(rate, pinned);
        expectSamePrice(stored, expected!.toString());
      }),
      { numRuns: 80, seed: 1206 },
    );
  });
});

describe('priceRoundingOf', () => {
  it('reads Zoho rounding keys as a step and a ".99" offset; unknown keys round nothing', () => {
    expect(priceRoundingOf('round_to_dollar_minus_01')).toEqual({ step: '1', perUnit: '1', minus: '0.01' });
    expect(priceRoundingOf(' ROUND_TO_QUARTER ')).toEqual({ step: '0.25', perUnit: '4', minus: '0' });
    expect(priceRoundingOf('round_to_half_dollar_minus_05')).toEqual({ step: '0.5', perUnit: '2', minus: '0.05' });
    for (const none of ['no_rounding', null, undefined, '', 'round_based_on_decimal', 'round_to_moon', 'round_to_dollar_minus_1']) expect(priceRoundingOf(none)).toBeNull();
  });
});
