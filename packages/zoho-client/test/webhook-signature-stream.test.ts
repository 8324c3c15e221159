import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signZohoWebhook, verifyZohoWebhookSignature } from '../src';
import { createZohoWebhookSignatureStream } from '../src/internal';

const SECRET = 'whsecret0123456789AB';
const FORM = 'application/x-www-form-urlencoded';

/** Splits bytes at the given cut points (sorted, deduplicated, any of them may be 0 or the end). */
function chunksAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  return chunks;
}

function streamed(input: { query: Array<[string, string]>; contentType: string; chunks: Buffer[]; signature: string }): boolean {
  const stream = createZohoWebhookSignatureStream({ secret: SECRET, query: new URLSearchParams(input.query), contentType: input.contentType });
  for (const chunk of input.chunks) stream.update(chunk);
  return stream.matches(input.signature);
}

const queryArb = fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })), { maxLength: 4 });
// Bodies with multi-byte characters, so that cuts fall inside UTF-8 sequences too.
const textArb = fc.string({ unit: 'binary', maxLength: 300 });

describe('createZohoWebhookSignatureStream', () => {
  it('gives the one-shot result for a JSON body cut anywhere, for the right, a tampered and a foreign signature', () => {
    fc.assert(
      fc.property(queryArb, textArb, fc.array(fc.nat(), { maxLength: 12 }), fc.nat(), fc.boolean(), (query, text, cuts, flipAt, tamper) => {
        const rawBody = Buffer.from(JSON.stringify({ pricebook: { pricebook_id: '1', name: text } }));
        const right = signZohoWebhook({ secret: SECRET, query: new URLSearchParams(query), rawBody, contentType: 'application/json' });
        const sent = Buffer.from(rawBody);
        if (tamper) sent[flipAt % sent.length] ^= 0x01;
        for (const signature of [right, createHmac('sha256', 'otherSecret123').update('x').digest('hex'), 'zz']) {
          const oneShot = verifyZohoWebhookSignature({ secret: SECRET, signature, query: new URLSearchParams(query), rawBody: sent, contentType: 'application/json' });
          expect(streamed({ query, contentType: 'application/json', chunks: chunksAt(sent, cuts), signature })).toBe(oneShot);
        }
        expect(streamed({ query, contentType: 'application/json', chunks: chunksAt(sent, cuts), signature: right })).toBe(!tamper);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the one-shot result for a form body cut anywhere (its fields are signed sorted with the query)', () => {
    fc.assert(
      fc.property(queryArb, fc.array(fc.tuple(fc.string({ maxLength: 6 }), textArb), { maxLength: 3 }), fc.array(fc.nat(), { maxLength: 12 }), (query, fields, cuts) => {
        const rawBody = Buffer.from(new URLSearchParams([...fields, ['JSONString', JSON.stringify({ pricebook: { pricebook_id: '7' } })]]).toString());
        const signature = signZohoWebhook({ secret: SECRET, query: new URLSearchParams(query), rawBody, contentType: FORM });
        expect(streamed({ query, contentType: FORM, chunks: chunksAt(rawBody, cuts), signature })).toBe(true);
        const tampered = Buffer.concat([rawBody, Buffer.from('&z=1')]);
        expect(streamed({ query, contentType: FORM, chunks: chunksAt(tampered, cuts), signature })).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('is Zoho\'s HMAC: sorted query pairs, then the raw body; uppercase hex matches, garbage never throws', () => {
    const body = Buffer.from('{"pricebook":{"pricebook_id":"9"}}');
    const expected = createHmac('sha256', SECRET).update(`a1zz${body.toString()}`).digest('hex');
    const stream = createZohoWebhookSignatureStream({ secret: SECRET, query: 'z=z&a=1', contentType: 'application/json' });
    stream.update(body.subarray(0, 5));
    stream.update(body.subarray(5));
    expect(stream.digestHex()).toBe(expected);
    expect(stream.matches(expected.toUpperCase())).toBe(true);
    expect(stream.matches(undefined)).toBe(false);
    expect(stream.matches(['nothex'])).toBe(false);
    expect(() => stream.update(body)).toThrow(/already computed/);
    expect(createZohoWebhookSignatureStream({ secret: '', contentType: 'application/json' }).matches(expected)).toBe(false);
  });
});
