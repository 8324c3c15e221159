import { createHmac, timingSafeEqual } from 'node:crypto';
import { bodyText, isFormContentType, queryPairs, type ZohoWebhookQuery } from './query-pairs';

export interface ZohoWebhookSignatureInput {
  query?: ZohoWebhookQuery;
  /** The body exactly as received (re-serialised JSON would not match). */
  rawBody: string | Uint8Array;
  contentType?: string | null;
}

export interface VerifyZohoWebhookSignatureInput extends ZohoWebhookSignatureInput {
  secret: string;
  /** The `X-Zoho-Webhook-Signature` header value. */
  signature: string | string[] | null | undefined;
}

/**
 * Zoho's signed text: query parameters (and, for a form body, the URL-decoded form fields,
 * JSONString included) sorted by key, each written key+value with no separator; a non-form body
 * is appended raw.
 */
function signedParts(input: ZohoWebhookSignatureInput): { pairs: string; body: Uint8Array | string | null } {
  const pairs = queryPairs(input.query);
  const form = isFormContentType(input.contentType);
  if (form) pairs.push(...new URLSearchParams(bodyText(input.rawBody)));
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { pairs: pairs.map(([key, value]) => `${key}${value}`).join(''), body: form ? null : input.rawBody };
}

/** The lowercase hex HMAC-SHA256 Zoho would send for this delivery (for tests and local fakes). */
export function signZohoWebhook(input: ZohoWebhookSignatureInput & { secret: string }): string {
  const { pairs, body } = signedParts(input);
  const hmac = createHmac('sha256', input.secret).update(pairs, 'utf8');
  if (body !== null) hmac.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return hmac.digest('hex');
}

/** True only for a well-formed signature that matches; never throws (missing or garbage → false). */
export function verifyZohoWebhookSignature(input: VerifyZohoWebhookSignatureInput): boolean {
  try {
    const header = Array.isArray(input.signature) ? input.signature[0] : input.signature;
    if (typeof input.secret !== 'string' || input.secret === '') return false;
    if (typeof header !== 'string') return false;
    const given = header.trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(given)) return false;
    const expected = Buffer.from(signZohoWebhook(input), 'hex');
    return timingSafeEqual(Buffer.from(given, 'hex'), expected);
  } catch {
    return false;
  }
}
