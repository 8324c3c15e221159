import type { TransformConfig } from './config';
import { normalizePriceListName } from './price-list-name';

export type PriceRole = 'consumer' | 'wholesale';

/** The `products` column a price role fills. */
export const priceColumnOf = { consumer: 'consumer_price', wholesale: 'wholesale_price' } as const satisfies Record<PriceRole, string>;

/** Which of TSH's product prices a Zoho price list feeds, if any (trimmed, case-insensitive match). */
export function priceRoleOf(
  priceListName: string | null | undefined,
  config: Pick<TransformConfig, 'consumerPriceListName' | 'wholesalePriceListName'>,
): PriceRole | null {
  if (priceListName === null || priceListName === undefined) return null;
  const name = normalizePriceListName(priceListName);
  if (name === '') return null;
  if (name === normalizePriceListName(config.consumerPriceListName)) return 'consumer';
  if (name === normalizePriceListName(config.wholesalePriceListName)) return 'wholesale';
  return null;
}
