import type { SeededRandom } from '../random';
import type { SandboxItem } from '../types';
import { dec, money, roundToStep } from '../money';

/**
 * How many catalogue items cost more than 100,000,000 IQD (generators, vehicles, whole production
 * lines): real TSH prices a DECIMAL(10,2) column cannot hold (docs/seed-schema.md).
 */
export const WIDE_PRICE_ITEMS = 2;

/** Raises the price of WIDE_PRICE_ITEMS IQD items past 100,000,000, with a random stream of its own (the rest of the catalogue is unchanged). */
export function widenSomePrices(items: SandboxItem[], random: SeededRandom): void {
  const iqd = items.flatMap((item, index) => (item.price_currency === 'IQD' ? [index] : []));
  for (const index of random.shuffle(iqd).slice(0, WIDE_PRICE_ITEMS)) {
    const item = items[index]!;
    item.rate = money(roundToStep(dec(random.logUniform(100_000_250, 950_000_000)), 250), 0);
    if (item.purchase_rate !== null) item.purchase_rate = money(roundToStep(dec(item.rate).times(random.int(60, 90)).dividedBy(100), 250), 0);
  }
}
