import { describe, expect, it } from 'vitest';
import { ZohoValidationError } from '@tsh/zoho-client';
import { itemSchema, parseRecord } from '@tsh/zoho-client/internal';
import { defaultTransformConfig, resolveTransformConfig, transformProduct } from '../src/internal';

const config = defaultTransformConfig;

function item(fields: Record<string, unknown> = {}) {
  return parseRecord(itemSchema, 'item', 'item_id', {
    item_id: '4815000000044208',
    name: 'Olive Oil 1L',
    status: 'active',
    rate: '12500.000',
    stock_on_hand: '40.00',
    last_modified_time: '2025-06-03T14:22:47+0300',
    ...fields,
  });
}

describe('transformProduct: contract columns', () => {
  it('maps every products column from the item', () => {
    const { product, category } = transformProduct(
      item({
        sku: 'OIL-1L',
        description: 'Cold pressed',
        ean: '6291041500213',
        category_id: '4815000000011001',
        category_name: 'Oils',
        custom_fields: [{ customfield_id: '1', label: 'Arabic Name', api_name: 'cf_name_ar', value: 'زيت زيتون ١ لتر' }],
      }),
      config,
    );
    expect(product).toEqual({
      zoho_item_id: '4815000000044208',
      name: 'Olive Oil 1L',
      name_ar: 'زيت زيتون ١ لتر',
      description: 'Cold pressed',
      sku: 'OIL-1L',
      barcode: '6291041500213',
      available_stock: '40.00',
      unit_price: '12500.000',
      is_active: true,
      zoho_category_id: '4815000000011001',
      category_name: 'Oils',
      zoho_last_modified_time: '2025-06-03T14:22:47+03:00',
    });
    expect(category).toEqual({ zoho_category_id: '4815000000011001', name: 'Oils' });
  });

  it('has no category when the item has none ("" or absent)', () => {
    expect(transformProduct(item({ category_id: '' }), config).category).toBeNull();
    expect(transformProduct(item(), config).category).toBeNull();
  });

  it('is_active follows status; a missing status is not read as inactive', () => {
    expect(transformProduct(item({ status: 'inactive' }), config).product.is_active).toBe(false);
    expect(transformProduct(item({ status: 'Active' }), config).product.is_active).toBe(true);
    expect(transformProduct(item({ status: undefined }), config).product.is_active).toBe(true);
    expect(transformProduct(item({ status: '' }), config).product.is_active).toBe(true);
  });

  it('takes numbers sent as numbers, strings or "" without float drift', () => {
    const { product } = transformProduct(item({ rate: 0.1, stock_on_hand: '' }), config);
    expect(product.unit_price).toBe('0.1');
    expect(product.available_stock).toBeNull();
    expect(transformProduct(item({ rate: '7', stock_on_hand: 3 }), config).product).toMatchObject({ unit_price: '7', available_stock: '3' });
  });

  it('keeps the raw record only when asked', () => {
    expect(transformProduct(item(), config).product).not.toHaveProperty('raw');
    const raw = transformProduct(item({ brand: 'Zeit' }), resolveTransformConfig({ keepRaw: true })).product.raw;
    expect(raw).toMatchObject({ item_id: '4815000000044208', brand: 'Zeit' });
  });
});

describe('transformProduct: Arabic name', () => {
  const arabic = 'سكر أبيض';

  it('falls back to name when the custom field is missing', () => {
    expect(transformProduct(item(), config).product.name_ar).toBe('Olive Oil 1L');
    const other = [{ customfield_id: '9', label: 'Colour', api_name: 'cf_colour', value: 'green' }];
    expect(transformProduct(item({ custom_fields: other }), config).product.name_ar).toBe('Olive Oil 1L');
  });

  it('falls back to name when the field is empty or blank', () => {
    for (const value of ['', '   ', null]) {
      const fields = [{ customfield_id: '1', label: 'Arabic Name', api_name: 'cf_name_ar', value }];
      expect(transformProduct(item({ custom_fields: fields }), config).product.name_ar).toBe('Olive Oil 1L');
    }
  });

  it('reads custom_field_hash when custom_fields does not carry it', () => {
    expect(transformProduct(item({ custom_field_hash: { cf_name_ar: arabic } }), config).product.name_ar).toBe(arabic);
    const emptyField = [{ customfield_id: '1', label: 'Arabic Name', api_name: 'cf_name_ar', value: '' }];
    const both = item({ custom_fields: emptyField, custom_field_hash: { cf_name_ar: arabic } });
    expect(transformProduct(both, config).product.name_ar).toBe(arabic);
  });

  it('prefers custom_fields over custom_field_hash and keeps the value as sent', () => {
    const padded = `  ${arabic} `;
    const fields = [{ customfield_id: '1', label: 'Arabic Name', api_name: 'cf_name_ar', value: padded }];
    const record = item({ custom_fields: fields, custom_field_hash: { cf_name_ar: 'other' } });
    expect(transformProduct(record, config).product.name_ar).toBe(padded);
  });

  it('matches by api_name only, and the field name is configurable', () => {
    const byLabel = [{ customfield_id: '1', label: 'cf_name_ar', api_name: 'cf_label', value: arabic }];
    expect(transformProduct(item({ custom_fields: byLabel }), config).product.name_ar).toBe('Olive Oil 1L');
    const custom = resolveTransformConfig({ arabicNameField: 'cf_arabic' });
    const fields = [{ customfield_id: '2', label: 'Arabic', api_name: 'cf_arabic', value: arabic }];
    expect(transformProduct(item({ custom_fields: fields }), custom).product.name_ar).toBe(arabic);
    expect(transformProduct(item({ custom_field_hash: { cf_name_ar: arabic } }), custom).product.name_ar).toBe('Olive Oil 1L');
  });

  it('ignores values that are not text', () => {
    const record = item({ custom_field_hash: { cf_name_ar: { nested: true } } });
    expect(transformProduct(record, config).product.name_ar).toBe('Olive Oil 1L');
  });
});

describe('transformProduct: barcode', () => {
  const barcodeOf = (fields: Record<string, unknown>) => transformProduct(item(fields), config).product.barcode;

  it('takes ean first, then upc, then isbn', () => {
    expect(barcodeOf({ ean: 'E', upc: 'U', isbn: 'I' })).toBe('E');
    expect(barcodeOf({ upc: 'U', isbn: 'I' })).toBe('U');
    expect(barcodeOf({ isbn: 'I' })).toBe('I');
  });

  it('skips empty and blank values and keeps the chosen one as sent', () => {
    expect(barcodeOf({ ean: '', upc: '012345678905', isbn: 'I' })).toBe('012345678905');
    expect(barcodeOf({ ean: '  ', upc: '', isbn: ' 978-3-16 ' })).toBe(' 978-3-16 ');
    expect(barcodeOf({ ean: 6291041500213 })).toBe('6291041500213');
  });

  it('is null when none is filled in', () => {
    expect(barcodeOf({ ean: '', upc: null, isbn: ' ' })).toBeNull();
    expect(barcodeOf({})).toBeNull();
  });
});

describe('transformProduct: stock levels', () => {
  it('is null for a reduced list row without locations or warehouses', () => {
    expect(transformProduct(item(), config).stockLevels).toBeNull();
  });

  it('comes from locations[]', () => {
    const locations = [
      { location_id: '1', location_name: 'Baghdad', location_stock_on_hand: '10', location_available_stock: '8', location_actual_available_stock: '7' },
      { location_id: '2', location_name: 'Basra', location_stock_on_hand: '', location_available_stock: 0, location_actual_available_stock: '-2.5' },
    ];
    expect(transformProduct(item({ locations }), config).stockLevels).toEqual([
      { zoho_item_id: '4815000000044208', zoho_location_id: '1', location_name: 'Baghdad', stock_on_hand: '10', available_stock: '8', actual_available_stock: '7' },
      { zoho_item_id: '4815000000044208', zoho_location_id: '2', location_name: 'Basra', stock_on_hand: null, available_stock: '0', actual_available_stock: '-2.5' },
    ]);
  });

  it('is an empty list (not null) when the item says it is stocked nowhere', () => {
    expect(transformProduct(item({ locations: [] }), config).stockLevels).toEqual([]);
  });

  it('rejects a record that lists one location twice, naming the item', () => {
    const dup = { location_id: '1', location_name: 'A', location_stock_on_hand: '1' };
    expect(() => transformProduct(item({ locations: [dup, { ...dup, location_stock_on_hand: '2' }] }), config)).toThrow(ZohoValidationError);
    expect(() => transformProduct(item({ locations: [dup, dup] }), config)).toThrow(/4815000000044208.*locations\.1.*duplicate key 1/);
  });
});
