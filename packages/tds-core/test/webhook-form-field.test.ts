import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { strictFormField } from '../src/webhooks';

describe('strictFormField', () => {
  it('decodes exactly as URLSearchParams does when the escapes are UTF-8, and refuses them otherwise', () => {
    const ascii = ['a', 'Z', '0', ' ', '+', '%', '&', '=', '%2', '%4G', '%e9', '%C3', '%A9', '"', '{', '}'];
    const encoded = fc.string({ unit: fc.constantFrom(...ascii, 'é', 'ع', '\u{1F600}') });
    // Raw text as a careless sender writes it; ASCII only: Node 20's URLSearchParams itself
    // mangles a raw non-ASCII letter that follows an escape when a stray % comes later.
    const raw = fc.string({ unit: fc.constantFrom(...ascii) });
    const form = fc.oneof(
      fc.tuple(fc.array(fc.tuple(encoded, encoded), { maxLength: 5 }), encoded).map(([fields, value]) => new URLSearchParams([...fields, ['JSONString', value]]).toString()),
      fc.tuple(fc.array(fc.tuple(raw, raw), { maxLength: 5 }), raw).map(([fields, value]) => [...fields, ['JSONString', value]].map(([k, v]) => `${k}=${v}`).join('&')),
    );
    fc.assert(
      fc.property(form, (body) => {
        // No generated text holds U+FFFD: where URLSearchParams produced one, an escape was not UTF-8.
        const expected = new URLSearchParams(body).get('JSONString');
        const got = strictFormField(body, 'JSONString');
        expect(got).toEqual(expected === null ? 'missing' : expected.includes('\ufffd') ? 'invalid' : { value: expected });
      }),
    );
  });

  it('refuses escapes that do not decode to UTF-8 instead of turning them into U+FFFD', () => {
    expect(strictFormField('JSONString=%7B%22name%22%3A%22%FF%22%7D', 'JSONString')).toBe('invalid');
    expect(strictFormField('JSONString=%C3%28', 'JSONString')).toBe('invalid');
    expect(strictFormField('JSONString=%ED%A0%80', 'JSONString')).toBe('invalid');
    expect(strictFormField('other=%FF&JSONString=%7B%7D', 'JSONString')).toEqual({ value: '{}' });
    expect(strictFormField('JSONString=%C3%A9+%D8%B9', 'JSONString')).toEqual({ value: 'é ع' });
    expect(strictFormField('other=1', 'JSONString')).toBe('missing');
  });
});
