import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseExactJson } from '@tsh/zoho-client/internal';
import { createJsonRecordScanner, JsonScanError } from '../src/webhooks/json-record-scan';

const KEYS = ['pricebook', 'item'];
const FIELDS = ['pricebook_id', 'item_id', 'last_modified_time'];

/** Stands for a text whose whole-text exact parse refuses a key repeated with another value (parseExactJson): not compared. */
const NOT_COMPARED = Symbol('not compared');

/**
 * What the scanner must report, computed from the whole text: refused where JSON.parse refuses it,
 * values as parseExactJson gives them (a number a double cannot hold as its exact decimal string).
 */
function expected(text: string): unknown {
  if (text.trim() === '') return 'empty';
  let body: unknown;
  try {
    JSON.parse(text);
  } catch {
    return 'syntax';
  }
  try {
    body = parseExactJson(text);
  } catch {
    return NOT_COMPARED;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const out: Record<string, unknown> = {};
  for (const key of KEYS) {
    if (!Object.hasOwn(body, key)) continue;
    const record = (body as Record<string, unknown>)[key];
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      out[key] = 0;
      continue;
    }
    const fields: Record<string, unknown> = {};
    for (const field of FIELDS) {
      if (!Object.hasOwn(record, field)) continue;
      const value = (record as Record<string, unknown>)[field];
      fields[field] = Array.isArray(value) ? [] : value !== null && typeof value === 'object' ? {} : value;
    }
    out[key] = fields;
  }
  return out;
}

function scanned(text: string, cuts: number[]): unknown {
  const scanner = createJsonRecordScanner({ keys: KEYS, fields: FIELDS });
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  try {
    let from = 0;
    for (const point of [...points, text.length]) {
      scanner.write(text.slice(from, point));
      from = point;
    }
    const result = scanner.end();
    // A plain copy that keeps every value as read (a JSON round trip would turn 1e400's Infinity into null).
    return result === null ? null : structuredClone(result);
  } catch (error) {
    if (error instanceof JsonScanError) return error.reason;
    throw error;
  }
}

const short = fc.string({ maxLength: 20 });
const scalar = fc.oneof(short, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.bigInt().map(String));
const fieldValue = fc.oneof(scalar, fc.jsonValue({ maxDepth: 2 }));
const record = fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), short), fieldValue, { maxKeys: 6 });
const body = fc.oneof(
  fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), short), fc.oneof(record, fieldValue), { maxKeys: 5 }),
  fc.jsonValue({ maxDepth: 3 }),
);
const text = fc.tuple(body, fc.constantFrom(undefined, 1, '\t')).map(([value, indent]) => JSON.stringify(value, null, indent));
// Damaged texts: a character dropped, doubled or replaced, so that most are not JSON any more.
const damaged = fc.tuple(text, fc.nat(), fc.constantFrom('drop', 'double', '{', '}', '"', ',', ':', '\\', '\u0001', 'e', '-', '0', ' ')).map(([t, at, how]) => {
  const i = t.length === 0 ? 0 : at % t.length;
  if (how === 'drop') return t.slice(0, i) + t.slice(i + 1);
  if (how === 'double') return t.slice(0, i) + t[i] + t.slice(i);
  return t.slice(0, i) + how + t.slice(i + 1);
});
const cuts = fc.array(fc.nat(), { maxLength: 10 });

describe('createJsonRecordScanner', () => {
  it('reports the wanted records and fields as the exact parse of the whole text gives them, the text cut anywhere', () => {
    fc.assert(fc.property(text, cuts, (t, c) => {
      const want = expected(t);
      fc.pre(want !== NOT_COMPARED);
      expect(scanned(t, c)).toEqual(want);
    }), { numRuns: 1000 });
  });

  it('refuses exactly the texts JSON.parse refuses, cut anywhere', () => {
    fc.assert(fc.property(damaged, cuts, (t, c) => {
      const want = expected(t);
      fc.pre(want !== NOT_COMPARED);
      expect(scanned(t, c)).toEqual(want);
    }), { numRuns: 2000 });
  });

  it('last duplicate key wins, as in JSON.parse; escapes and numbers are read as JSON.parse reads them', () => {
    const t = '{"pricebook":{"pricebook_id":"1"},"pricebook":{"pricebook_id":"\\u0032\\n","x":[1,{"pricebook_id":"nested"}]},"item":{"item_id":-1.5e+3,"item_id":4815000000044208}}';
    expect(scanned(t, [7, 40, 41, 42])).toEqual({ pricebook: { pricebook_id: '2\n' }, item: { item_id: 4815000000044208 } });
    expect(scanned('{"pricebook":{"pricebook_id":"1"},"pricebook":5}', [])).toEqual({ pricebook: 0 });
  });

  it('keeps no long value: a field longer than any id is a stand-in, and a 5 MB record is read in small memory', () => {
    const long = 'x'.repeat(5 * 1024 * 1024);
    const t = JSON.stringify({ pricebook: { pricebook_id: long, name: long, pricebook_items: [{ item_id: '1', pricebook_rate: 12.5 }] } });
    expect(scanned(t, [3, 100_000, 2_000_000])).toEqual({ pricebook: { pricebook_id: {} } });
  });

  it('tells empty (only whitespace, as String.trim sees it) from not JSON', () => {
    expect(scanned(' \n\t', [1])).toBe('empty');
    expect(scanned('\u00a0 ', [])).toBe('empty');
    expect(scanned('\u00a0{}', [1])).toBe('syntax');
    expect(scanned('{} x', [])).toBe('syntax');
    expect(scanned('{"a":', [])).toBe('syntax');
    expect(scanned('12', [1])).toBeNull();
  });
});
