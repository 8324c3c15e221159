import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ZohoValidationError } from '../src';
import { formatZohoTimestamp, invoiceSchema, itemSchema, normalizeZohoTimestamp, parseRecord, parseZohoTimestamp, toDecimalString } from '../src/internal';

describe('decimals', () => {
  it('accepts numbers, numeric strings and "" without float drift', () => {
    expect(toDecimalString(9.5)).toBe('9.5');
    expect(toDecimalString('1250000000.000')).toBe('1250000000.000');
    expect(toDecimalString(' 12.30 ')).toBe('12.30');
    expect(toDecimalString('')).toBeNull();
    expect(toDecimalString(null)).toBeNull();
    expect(toDecimalString(1e21)).toBe('1000000000000000000000');
    expect(toDecimalString(1.5e-7)).toBe('0.00000015');
    expect(toDecimalString('-0')).toBe('0');
    expect(toDecimalString('007.5')).toBe('7.5');
    expect(toDecimalString('12abc')).toBeUndefined();
    expect(toDecimalString(Number.NaN)).toBeUndefined();
    expect(toDecimalString({})).toBeUndefined();
  });

  it('round-trips any finite double to the same number', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        expect(Number(toDecimalString(n))).toBe(n === 0 ? 0 : n);
      }),
    );
  });
});

describe('timestamps', () => {
  it('parses with or without the colon in the offset', () => {
    expect(normalizeZohoTimestamp('2025-06-03T14:22:47+0300')).toBe('2025-06-03T14:22:47+03:00');
    expect(normalizeZohoTimestamp('2025-06-03T14:22:47+03:00')).toBe('2025-06-03T14:22:47+03:00');
    expect(parseZohoTimestamp('2025-06-03T14:22:47+0300').toISOString()).toBe('2025-06-03T11:22:47.000Z');
    expect(normalizeZohoTimestamp('yesterday')).toBeUndefined();
  });

  it('formats the last_modified_time filter as YYYY-MM-DDTHH:MM:SS±HHMM', () => {
    const d = new Date('2025-06-03T11:22:47.000Z');
    expect(formatZohoTimestamp(d)).toBe('2025-06-03T11:22:47+0000');
    expect(formatZohoTimestamp(d, 180)).toBe('2025-06-03T14:22:47+0300');
    expect(formatZohoTimestamp(d, -330)).toBe('2025-06-03T05:52:47-0530');
  });
});

describe('entity schemas', () => {
  it('normalizes an item and keeps unknown fields', () => {
    const item = parseRecord(itemSchema, 'item', 'item_id', {
      item_id: '4815000000044208',
      name: 'Widget',
      rate: '2500',
      stock_on_hand: '',
      purchase_rate: 1200.25,
      last_modified_time: '2025-06-03T14:22:47+0300',
      brand_new_field: { a: 1 },
    });
    expect(item).toMatchObject({ item_id: '4815000000044208', rate: '2500', stock_on_hand: null, purchase_rate: '1200.25' });
    expect(item.last_modified_time).toBe('2025-06-03T14:22:47+03:00');
    expect((item as Record<string, unknown>).brand_new_field).toEqual({ a: 1 });
  });

  it('raises a typed validation error carrying the record id', () => {
    let error: unknown;
    try {
      parseRecord(invoiceSchema, 'invoice', 'invoice_id', { invoice_id: '77', total: 'lots' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ZohoValidationError);
    const v = error as ZohoValidationError;
    expect(v.recordId).toBe('77');
    expect(v.retryable).toBe(false);
    expect(v.issues.map((i) => i.path)).toContain('total');
  });
});
