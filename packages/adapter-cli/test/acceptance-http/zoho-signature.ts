import { createHmac } from 'node:crypto';

/**
 * Zoho's webhook signature, written from the text of docs/webhooks-and-queue.md ("Signature") alone (deliberately not our
 * zoho-client's helper, so that the two can disagree): lowercase hex HMAC-SHA256 keyed with the
 * secret, over the query parameters sorted by key, each written as key then value with no
 * separator, followed by the raw body for a JSON body. For a form-encoded body the URL-decoded
 * form fields (JSONString included) join the query pairs in the sorted list and nothing is appended.
 */
export function zohoSignature(secret: string, delivery: { query: ReadonlyArray<readonly [string, string]>; body: string | Buffer; form: boolean }): string {
  const pairs = [...delivery.query];
  if (delivery.form) pairs.push(...decodeFormFields(Buffer.from(delivery.body).toString('utf8')));
  // Array.prototype.sort is stable: equal keys keep their order (query first, then form).
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const hmac = createHmac('sha256', secret).update(pairs.map(([key, value]) => `${key}${value}`).join(''), 'utf8');
  if (!delivery.form) hmac.update(Buffer.from(delivery.body));
  return hmac.digest('hex');
}

/** application/x-www-form-urlencoded fields, decoded: `+` is a space, then %XX escapes. */
export function decodeFormFields(text: string): Array<[string, string]> {
  const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
  return text
    .split('&')
    .filter((field) => field !== '')
    .map((field) => {
      const at = field.indexOf('=');
      return at < 0 ? [decode(field), ''] : [decode(field.slice(0, at)), decode(field.slice(at + 1))];
    });
}

/** Form-encodes fields the way a browser (and Zoho) does: spaces as `+`, everything else escaped. */
export function encodeFormFields(fields: ReadonlyArray<readonly [string, string]>): string {
  const encode = (part: string) => encodeURIComponent(part).replace(/%20/g, '+');
  return fields.map(([key, value]) => `${encode(key)}=${encode(value)}`).join('&');
}
