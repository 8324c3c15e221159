import type { IdGenerator } from '../ids';
import { dec, money, roundToStep } from '../money';
import type { SeededRandom } from '../random';
import type { SandboxItem, SandboxPricebook } from '../types';
import { priceIn } from './documents';

export const CONSUMER_PRICE_LIST = 'Consumer Price List';
export const WHOLESALE_PRICE_LIST = 'Wholesale Price List';

interface PricebookPlan {
  name: string;
  description: string;
  currency: 'IQD' | 'USD';
  type: 'per_item' | 'fixed_percentage';
  /** Share of items with a rate in the book. */
  coverage: number;
  /** Percentage range applied to the item's rate. */
  low: number;
  high: number;
  status: 'active' | 'inactive';
}

const PLANS: PricebookPlan[] = [
  { name: CONSUMER_PRICE_LIST, description: 'أسعار المستهلك - retail prices', currency: 'IQD', type: 'per_item', coverage: 0.9, low: 100, high: 115, status: 'active' },
  { name: WHOLESALE_PRICE_LIST, description: 'أسعار الجملة - wholesale prices', currency: 'IQD', type: 'per_item', coverage: 0.85, low: 80, high: 95, status: 'active' },
  { name: 'VIP Customers 10% Off', description: 'Fixed discount for key accounts', currency: 'IQD', type: 'fixed_percentage', coverage: 0, low: 0, high: 0, status: 'active' },
  { name: 'Export Price List (USD)', description: 'Prices for Kurdistan and export dealers', currency: 'USD', type: 'per_item', coverage: 0.5, low: 90, high: 105, status: 'active' },
];

export function pricebookRate(random: SeededRandom, book: Pick<SandboxPricebook, 'currency_code'>, item: SandboxItem, low: number, high: number): string {
  const base = priceIn(book.currency_code, item.rate, item.price_currency);
  const scaled = dec(base).times(random.int(low, high)).dividedBy(100);
  return book.currency_code === 'IQD' ? money(roundToStep(scaled, 250).clampedTo(250, Infinity), 0) : money(scaled.clampedTo('0.01', Infinity), 2);
}

export function generatePricebooks(count: number, random: SeededRandom, ids: IdGenerator, items: readonly SandboxItem[]): SandboxPricebook[] {
  const books: SandboxPricebook[] = [];
  for (let i = 0; i < count; i++) {
    const plan: PricebookPlan = PLANS[i] ?? {
      name: `Dealer Price List ${i - PLANS.length + 1}`,
      description: 'Regional dealer prices',
      currency: 'IQD',
      type: 'per_item',
      coverage: 0.3,
      low: 85,
      high: 100,
      status: i % 2 === 0 ? 'inactive' : 'active',
    };
    const book: SandboxPricebook = {
      pricebook_id: ids.next(),
      name: plan.name,
      description: plan.description,
      currency_code: plan.currency,
      status: plan.status,
      pricebook_type: plan.type,
      is_increase: false,
      percentage: plan.type === 'fixed_percentage' ? '10' : '0',
      rounding_type: 'no_rounding',
      decimal_place: plan.currency === 'IQD' ? 0 : 2,
      rates: new Map(),
    };
    if (plan.type === 'per_item') {
      for (const item of items) {
        if (random.chance(plan.coverage)) book.rates.set(item.item_id, pricebookRate(random, book, item, plan.low, plan.high));
      }
    }
    books.push(book);
  }
  return books;
}

/** The plan's percentage range for a book, so later price changes stay in character. */
export function pricebookRange(book: SandboxPricebook): [number, number] {
  const plan = PLANS.find((p) => p.name === book.name);
  return plan ? [plan.low, plan.high] : [85, 100];
}
