import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ZohoWebhookError, parseZohoWebhook, verifyZohoWebhookSignature } from '../src';

const SECRET = 'whsecret0123456789AB';

/** Zoho's algorithm written out independently of the implementation under test. */
function zohoSign(text: string): string {
  return createHmac('sha256', SECRET).update(text).digest('hex');
}

const jsonBody = '{"item": {"item_id": "4815000000044208", "name": "Widget",  "rate": 12.5}}';

describe('verifyZohoWebhookSignature', () => {
  it('accepts a correct JSON delivery: sorted query pairs then the raw body', () => {
    const query = { source: 'books', event: 'updated', a: '1' };
    const signature = zohoSign(`a1eventupdatedsourcebooks${jsonBody}`);
    expect(verifyZohoWebhookSignature({ secret: SECRET, signature, query, rawBody: jsonBody, contentType: 'application/json' })).toBe(true);
    // The same delivery given as a Buffer body and a raw query string.
    expect(
      verifyZohoWebhookSignature({
        secret: SECRET,
        signature: signature.toUpperCase(),
        query: '?source=books&event=updated&a=1',
        rawBody: Buffer.from(jsonBody),
        contentType: 'application/json; charset=utf-8',
      }),
    ).toBe(true);
  });

  it('accepts a correct form delivery: decoded form fields (JSONString too) join the sorted pairs, nothing appended', () => {
    const json = '{"contact":{"contact_id":"9","contact_name":"Ali & Sons"}}';
    const rawBody = new URLSearchParams({ JSONString: json, zeta: 'z z' }).toString();
    const signature = zohoSign(`JSONString${json}entitycontactzetaz z`);
    expect(
      verifyZohoWebhookSignature({
        secret: SECRET,
        signature,
        query: new URLSearchParams({ entity: 'contact' }),
        rawBody,
        contentType: 'application/x-www-form-urlencoded',
      }),
    ).toBe(true);
  });

  it('rejects a wrong, missing, garbage or tampered signature without throwing', () => {
    const signature = zohoSign(jsonBody);
    const base = { secret: SECRET, rawBody: jsonBody, contentType: 'application/json' };
    expect(verifyZohoWebhookSignature({ ...base, signature })).toBe(true);
    expect(verifyZohoWebhookSignature({ ...base, signature: zohoSign('something else') })).toBe(false);
    expect(verifyZohoWebhookSignature({ ...base, signature: undefined })).toBe(false);
    expect(verifyZohoWebhookSignature({ ...base, signature: '' })).toBe(false);
    expect(verifyZohoWebhookSignature({ ...base, signature: 'not-hex-at-all' })).toBe(false);
    expect(verifyZohoWebhookSignature({ ...base, signature: signature.slice(0, 40) })).toBe(false);
    expect(verifyZohoWebhookSignature({ ...base, signature, rawBody: jsonBody.replace('12.5', '1.25') })).toBe(false);
    expect(verifyZohoWebhookSignature({ ...base, signature, query: { extra: '1' } })).toBe(false);
    expect(verifyZohoWebhookSignature({ ...base, signature, secret: 'another-secret-123' })).toBe(false);
    expect(verifyZohoWebhookSignature({ ...base, signature, secret: '' })).toBe(false);
    expect(verifyZohoWebhookSignature({ ...base, signature: [signature] })).toBe(true);
    expect(verifyZohoWebhookSignature(null as never)).toBe(false);
  });
});

describe('parseZohoWebhook', () => {
  it('reads a JSON delivery: entity key, record and upsert', () => {
    expect(parseZohoWebhook({ rawBody: jsonBody, contentType: 'application/json', method: 'POST' })).toEqual({
      entityKey: 'item',
      record: { item_id: '4815000000044208', name: 'Widget', rate: 12.5 },
      recordId: '4815000000044208',
      event: 'upsert',
    });
  });

  it('reads a form delivery with JSONString', () => {
    const rawBody = new URLSearchParams({ JSONString: '{"invoice":{"invoice_id":"77","total":"10.00"}}' }).toString();
    const delivery = parseZohoWebhook({ rawBody: Buffer.from(rawBody), contentType: 'application/x-www-form-urlencoded', method: 'PUT' });
    expect(delivery).toMatchObject({ entityKey: 'invoice', recordId: '77', event: 'upsert', record: { total: '10.00' } });
  });

  it('DELETE or ?event=deleted means delete', () => {
    const body = '{"bill":{"bill_id":"5"}}';
    expect(parseZohoWebhook({ rawBody: body, contentType: 'application/json', method: 'DELETE' }).event).toBe('delete');
    expect(parseZohoWebhook({ rawBody: body, contentType: 'application/json', method: 'POST', query: { event: 'deleted' } }).event).toBe('delete');
    expect(parseZohoWebhook({ rawBody: body, contentType: 'application/json', method: 'POST', query: '?event=updated' }).event).toBe('upsert');
  });

  it('knows contacts, price books and a bare record sent through a custom ${JSONString} body', () => {
    expect(parseZohoWebhook({ rawBody: '{"contact":{"contact_id":"1"}}', contentType: 'application/json' }).entityKey).toBe('contact');
    expect(parseZohoWebhook({ rawBody: '{"pricebook":{"pricebook_id":"3"}}', contentType: 'application/json' }).entityKey).toBe('pricebook');
    expect(parseZohoWebhook({ rawBody: '{"invoice_id":"8","customer_id":"1"}', contentType: 'text/plain' })).toMatchObject({
      entityKey: 'invoice',
      recordId: '8',
    });
  });

  const cases: Array<[string, Parameters<typeof parseZohoWebhook>[0], number, RegExp]> = [
    ['bad JSON', { rawBody: '{"item": ', contentType: 'application/json' }, 400, /not valid JSON/],
    ['empty body', { rawBody: '', contentType: 'application/json' }, 400, /empty/],
    ['bad JSONString', { rawBody: 'JSONString=%7Bnope', contentType: 'application/x-www-form-urlencoded' }, 400, /JSONString/],
    ['form without JSONString', { rawBody: 'a=1', contentType: 'application/x-www-form-urlencoded' }, 422, /JSONString/],
    ['unsupported content type', { rawBody: '<item/>', contentType: 'application/xml' }, 415, /content type/],
    ['no content type', { rawBody: '{}', contentType: undefined }, 415, /content type/],
    ['an array body', { rawBody: '[1,2]', contentType: 'application/json' }, 422, /object/],
    ['no known entity key', { rawBody: '{"foo":{"id":1}}', contentType: 'application/json' }, 422, /no known entity key/],
  ];
  for (const [name, input, status, message] of cases) {
    it(`refuses ${name} with a typed ${status}`, () => {
      let error: unknown;
      try {
        parseZohoWebhook(input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ZohoWebhookError);
      expect((error as ZohoWebhookError).status).toBe(status);
      expect((error as Error).message).toMatch(message);
    });
  }
});
