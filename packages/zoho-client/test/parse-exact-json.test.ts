import fc from 'fast-check';
import { isSafeNumber } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { parseExactJson } from '../src/json/parse-exact-json';
import { exactJsonNumber } from '../src/schemas/decimal';

// Zoho sends money and quantities as JSON numbers; a double keeps only ~15-17 significant digits,
// so every JSON text the client and the webhook intake read goes through parseExactJson.

const decimalLiteral = fc
  .tuple(fc.boolean(), fc.stringMatching(/^(0|[1-9]\d{0,29})$/), fc.option(fc.stringMatching(/^\d{1,12}$/)), fc.option(fc.integer({ min: -30, max: 30 })))
  .map(([negative, whole, fraction, exponent]) => `${negative ? '-' : ''}${whole}${fraction === null ? '' : `.${fraction}`}${exponent === null ? '' : `e${exponent}`}`);

describe('parseExactJson', () => {
  it('gives a fraction as a number only where the number holds it exactly, else its exact decimal string; a whole number as JSON.parse does', () => {
    fc.assert(
      fc.property(decimalLiteral, fc.constantFrom('{"rate": %}', '[1, %]', '{"a":{"b":[%]}}', '%', '{"id":"1:2","v":%}'), (literal, shape) => {
        const parsed = parseExactJson(shape.replace('%', literal));
        const value = shape === '%' ? parsed : JSON.stringify(parsed) === undefined ? undefined : findValue(parsed, shape);
        if (/^-?\d+$/.test(literal)) expect(value, literal).toBe(JSON.parse(literal));
        else if (typeof value === 'number') expect(isSafeNumber(literal), literal).toBe(true);
        else expect(value, literal).toBe(exactJsonNumber(literal));
      }),
      { numRuns: 3_000 },
    );
  });

  it('keeps the digits of money and quantities a double cannot hold; an id sent as a number past 2^53 stays the lossy number the intake refuses', () => {
    const body = parseExactJson(
      '{"item":{"item_id":2163580000006138722,"rate":123456789012345678.123456789,"stock_on_hand":12345678901.123456789,"small":22500.50,"qty":5.000000,"tiny":1e-7}}',
    ) as { item: Record<string, unknown> };
    expect(body.item).toEqual({
      item_id: 2163580000006138722,
      rate: '123456789012345678.123456789',
      stock_on_hand: '12345678901.123456789',
      small: 22500.5,
      qty: 5,
      tiny: 1e-7,
    });
  });

  it('a number past a double\'s range is its decimal string, or Infinity past 400 digits: never a silent null', () => {
    expect((parseExactJson('{"rate":1E+400}') as { rate: unknown }).rate).toBe(`1${'0'.repeat(400)}`);
    expect((parseExactJson('{"rate":1E+999}') as { rate: unknown }).rate).toBe(Infinity);
  });

  it('is JSON.parse for everything else: strings, keys such as __proto__, nesting, refusals', () => {
    const text = '{"__proto__":{"x":1},"name":"راوتر 🚀","n":12345678901234567890.5,"list":[true,null,"a:1e5"]}';
    const parsed = parseExactJson(text) as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed)).toEqual(['__proto__', 'name', 'n', 'list']);
    expect(parsed.name).toBe('راوتر 🚀');
    expect(parsed.list).toEqual([true, null, 'a:1e5']);
    for (const bad of ['', '{', '{"a":1,}', '{"a":01}', '[1e]', '{"a":12345678901234567890,}']) expect(() => parseExactJson(bad), bad).toThrow(SyntaxError);
    const deep = `${'['.repeat(100_000)}12345678901234567890${']'.repeat(100_000)}`;
    expect(() => parseExactJson(deep)).toThrow(SyntaxError);
  });
});

function findValue(parsed: unknown, shape: string): unknown {
  if (shape.startsWith('{"rate"')) return (parsed as { rate: unknown }).rate;
  if (shape.startsWith('[1,')) return (parsed as unknown[])[1];
  if (shape.startsWith('{"a"')) return (parsed as { a: { b: unknown[] } }).a.b[0];
  return (parsed as { v: unknown }).v;
}
