import { describe, expect, it } from 'vitest';
import { parseRecord, pricebookSchema } from '@tsh/zoho-client/internal';
import { defaultTransformConfig, priceColumnOf, priceRoleOf, resolveTransformConfig, TransformConfigError, transformPriceList } from '../src/internal';

const pricebook = (fields: Record<string, unknown> = {}) =>
  parseRecord(pricebookSchema, 'pricebook', 'pricebook_id', {
    pricebook_id: '3300000000001',
    name: 'Wholesale Price List',
    currency_code: 'IQD',
    status: 'active',
    pricebook_type: 'per_item',
    is_increase: 'false',
    percentage: '',
    ...fields,
  });

describe('transformPriceList', () => {
  it('maps the price list and its item rates', () => {
    const result = transformPriceList(
      pricebook({ pricebook_items: [{ item_id: '11', pricebook_rate: '9500.000' }, { item_id: '12', pricebook_rate: 1250000000 }] }),
    );
    expect(result).toEqual({
      priceList: {
        zoho_pricebook_id: '3300000000001',
        name: 'Wholesale Price List',
        currency_code: 'IQD',
        pricebook_type: 'per_item',
        percentage: null,
        is_increase: false,
        rounding_type: null,
        is_active: true,
      },
      items: [
        { zoho_pricebook_id: '3300000000001', zoho_item_id: '11', rate: '9500.000' },
        { zoho_pricebook_id: '3300000000001', zoho_item_id: '12', rate: '1250000000' },
      ],
    });
  });

  it('handles a percentage price list and a list row without items', () => {
    const result = transformPriceList(pricebook({ pricebook_type: 'fixed_percentage', percentage: '12.5', is_increase: true, rounding_type: 'round_to_dollar_minus_01', status: 'inactive' }));
    expect(result.priceList).toMatchObject({ pricebook_type: 'fixed_percentage', percentage: '12.5', is_increase: true, rounding_type: 'round_to_dollar_minus_01', is_active: false });
    expect(result.items).toBeNull();
    expect(transformPriceList(pricebook({ pricebook_items: [] })).items).toEqual([]);
  });

  it('rejects a price list that rates one item twice', () => {
    const items = [{ item_id: '11', pricebook_rate: '1' }, { item_id: '11', pricebook_rate: '2' }];
    expect(() => transformPriceList(pricebook({ pricebook_items: items }))).toThrow(/pricebook 3300000000001: pricebook_items\.1: duplicate key 11/);
  });
});

describe('priceRoleOf', () => {
  it('matches the configured names, trimmed and case-insensitively', () => {
    expect(priceRoleOf('Consumer Price List', defaultTransformConfig)).toBe('consumer');
    expect(priceRoleOf('Wholesale Price List', defaultTransformConfig)).toBe('wholesale');
    expect(priceRoleOf('  wholesale PRICE list ', defaultTransformConfig)).toBe('wholesale');
    expect(priceColumnOf[priceRoleOf('consumer price list', defaultTransformConfig)!]).toBe('consumer_price');
  });

  it('is null for other, empty or missing names; inner whitespace counts', () => {
    for (const name of ['Retail', 'Consumer  Price List', 'Consumer Price Lists', '', '   ', null, undefined]) {
      expect(priceRoleOf(name, defaultTransformConfig)).toBeNull();
    }
  });

  it('follows configured names', () => {
    const config = resolveTransformConfig({ consumerPriceListName: 'قائمة المستهلك', wholesalePriceListName: 'Trade' });
    expect(priceRoleOf('قائمة المستهلك', config)).toBe('consumer');
    expect(priceRoleOf('trade', config)).toBe('wholesale');
    expect(priceRoleOf('Consumer Price List', config)).toBeNull();
  });
});

describe('resolveTransformConfig', () => {
  it('fills in the defaults', () => {
    expect(resolveTransformConfig()).toEqual({
      arabicNameField: 'cf_name_ar',
      consumerPriceListName: 'Consumer Price List',
      wholesalePriceListName: 'Wholesale Price List',
      keepRaw: false,
    });
    expect(resolveTransformConfig({ arabicNameField: 'cf_ar' })).toMatchObject({ arabicNameField: 'cf_ar', keepRaw: false });
  });

  it('names each bad option', () => {
    const bad = () => resolveTransformConfig({ arabicNameField: ' ', keepRaw: 'yes' as unknown as boolean });
    expect(bad).toThrow(TransformConfigError);
    try {
      bad();
    } catch (error) {
      expect((error as TransformConfigError).problems.map((p) => p.option).sort()).toEqual(['arabicNameField', 'keepRaw']);
    }
  });

  it('refuses one name for both price roles, and unknown options', () => {
    expect(() => resolveTransformConfig({ consumerPriceListName: 'Prices', wholesalePriceListName: ' prices' })).toThrow(
      /wholesalePriceListName: consumerPriceListName and wholesalePriceListName must name different price lists/,
    );
    expect(() => resolveTransformConfig({ arabicName: 'x' } as never)).toThrow(TransformConfigError);
  });
});
