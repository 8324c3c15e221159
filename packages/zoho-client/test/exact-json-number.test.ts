import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactJsonNumber, toDecimalString } from '../src/schemas/decimal';

// The streamed price book reads money from a number's JSON text (exactJsonNumber); `get` reads it
// through JSON.parse (a double, then toDecimalString). They must agree wherever a double is exact.

describe('exactJsonNumber', () => {
  it('gives what toDecimalString(JSON.parse(text)) gives for every finite double, in any JSON spelling', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = JSON.stringify(value);
        expect(exactJsonNumber(text)).toBe(toDecimalString(JSON.parse(text)));
        const spelled = value.toExponential();
        expect(exactJsonNumber(spelled)).toBe(toDecimalString(Number(spelled)));
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps the digits a double cannot hold, drops only trailing zeros after the point', () => {
    expect(exactJsonNumber('12.345678901234567890123')).toBe('12.345678901234567890123');
    expect(exactJsonNumber('0.30000000000000000001')).toBe('0.30000000000000000001');
    expect(exactJsonNumber('12345678901234567890.10')).toBe('12345678901234567890.1');
    expect(exactJsonNumber('-1.250E+2')).toBe('-125');
    expect(exactJsonNumber('-0.000')).toBe('0');
    expect(exactJsonNumber('1e999')).toBe(Infinity);
  });
});
