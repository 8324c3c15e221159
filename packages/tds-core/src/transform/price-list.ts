import type { ZohoPricebook } from '@tsh/zoho-client';
import { isActiveStatus } from './text';
import type { DecimalString } from './types';
import { assertUniqueKeys } from './unique';

/** A row of `price_lists`. */
export interface PriceListRow {
  zoho_pricebook_id: string;
  name: string;
  currency_code: string | null;
  pricebook_type: string | null;
  percentage: DecimalString | null;
  is_increase: boolean | null;
  rounding_type: string | null;
  is_active: boolean;
}

/** A row of `price_list_items`. */
export interface PriceListItemRow {
  zoho_pricebook_id: string;
  zoho_item_id: string;
  rate: DecimalString | null;
}

export interface PriceListTransform {
  priceList: PriceListRow;
  /** Null when the record has no `pricebook_items` key (a list row: fetch the detail). */
  items: PriceListItemRow[] | null;
}

export function transformPriceList(pricebook: ZohoPricebook): PriceListTransform {
  const id = pricebook.pricebook_id;
  const entries = pricebook.pricebook_items;
  if (entries) assertUniqueKeys('pricebook', id, 'pricebook_items', entries.map((entry) => entry.item_id));
  return {
    priceList: {
      zoho_pricebook_id: id,
      name: pricebook.name,
      currency_code: pricebook.currency_code,
      pricebook_type: pricebook.pricebook_type,
      percentage: pricebook.percentage,
      is_increase: pricebook.is_increase,
      rounding_type: pricebook.rounding_type,
      is_active: isActiveStatus(pricebook.status),
    },
    items: entries?.map((entry) => ({ zoho_pricebook_id: id, zoho_item_id: entry.item_id, rate: entry.pricebook_rate })) ?? null,
  };
}
