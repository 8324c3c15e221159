import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ZohoValidationError } from '../src';
import { calendarProblem, invoiceSchema, itemSchema, normalizeZohoTimestamp, parseRecord, parseZohoTimestamp } from '../src/internal';

// Date.parse rolls 2025-02-30 over into March 2; PostgreSQL refuses it ("date/time field value out of range").
// Every date and timestamp read from Zoho is checked against the calendar, so such a record is refused
// by the schema with the field's name instead of failing later in the database.

function refusal(schema: typeof itemSchema | typeof invoiceSchema, idField: string, raw: Record<string, unknown>): ZohoValidationError {
  try {
    parseRecord(schema, 'record', idField, raw);
  } catch (error) {
    if (error instanceof ZohoValidationError) return error;
    throw error;
  }
  throw new Error('the record was accepted');
}

describe('impossible calendar dates', () => {
  it.each([
    ['2025-02-30T10:00:00+0300', /February 2025 has 28 days/],
    ['2025-02-29T10:00:00+0300', /February 2025 has 28 days/],
    ['2025-04-31T10:00:00Z', /April 2025 has 30 days/],
    ['2025-00-10T10:00:00Z', /no month 00/],
    ['2025-01-00T10:00:00Z', /January 2025 has 31 days/],
    ['0000-01-01T10:00:00Z', /no year 0000/],
    ['2025-01-01T24:00:00Z', /hour 24/],
    ['2025-01-01T23:60:00Z', /minute 60/],
    ['2025-01-01T23:59:60Z', /second 60/],
    ['2025-01-01T10:00:00+1500', /beyond ±14:00/],
    ['2025-01-01T10:00:00+14:01', /beyond ±14:00/],
    ['2025-01-01T10:00:00-0075', /beyond ±14:00/],
  ])('refuses last_modified_time %s, naming the field and why', (value, why) => {
    expect(normalizeZohoTimestamp(value)).toBeUndefined();
    expect(() => parseZohoTimestamp(value)).toThrow(why);
    const error = refusal(itemSchema, 'item_id', { item_id: '1', name: 'Widget', last_modified_time: value });
    expect(error.issues).toEqual([{ path: 'last_modified_time', message: expect.stringMatching(why) }]);
    expect(error.message).toMatch(/last_modified_time: .*not a real date/);
  });

  it.each([
    ['2024-02-29T10:00:00+0300', '2024-02-29T10:00:00+03:00'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00Z'],
    ['2025-12-31T23:59:59.999-1400', '2025-12-31T23:59:59.999-14:00'],
    ['2025-01-01T00:00+14:00', '2025-01-01T00:00:00+14:00'],
  ])('keeps the real moment %s', (value, iso) => {
    expect(normalizeZohoTimestamp(value)).toBe(iso);
  });

  it('refuses an invoice whose date or due_date is not a real day, naming the field', () => {
    const base = { invoice_id: '77', last_modified_time: '2025-06-03T14:22:47+0300' };
    const date = refusal(invoiceSchema, 'invoice_id', { ...base, date: '2025-02-30' });
    expect(date.issues).toEqual([{ path: 'date', message: expect.stringMatching(/"2025-02-30": not a real date \(February 2025 has 28 days, not 30\)/) }]);
    const due = refusal(invoiceSchema, 'invoice_id', { ...base, date: '2025-02-28', due_date: '1900-02-29' });
    expect(due.issues.map((i) => i.path)).toEqual(['due_date']);
    expect(parseRecord(invoiceSchema, 'invoice', 'invoice_id', { ...base, date: '2024-02-29', due_date: '2400-02-29' })).toMatchObject({ date: '2024-02-29', due_date: '2400-02-29' });
  });

  it('agrees with the proleptic Gregorian calendar for every day of years 1–9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
        const text = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const utc = new Date(0);
        utc.setUTCFullYear(y, m - 1, d);
        const real = d >= 1 && utc.getUTCFullYear() === y && utc.getUTCMonth() === m - 1 && utc.getUTCDate() === d;
        expect(calendarProblem(text) === undefined).toBe(real);
      }),
      { numRuns: 2000 },
    );
  });
});
