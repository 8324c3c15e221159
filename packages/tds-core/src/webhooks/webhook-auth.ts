import { createHash, timingSafeEqual } from 'node:crypto';
import type { WebhookDelivery } from './types';
import { WebhookRejectedError } from './webhook-rejected-error';

/**
 * The two ways a delivery can prove it came from the operator's Zoho (docs/security.md):
 * - hmac (default): Zoho's X-Zoho-Webhook-Signature over query and body with ZOHO_WEBHOOK_SECRET;
 * - token: TDS_WEBHOOK_TOKEN, which the Zoho webhook sends as a custom header or query parameter
 *   (the fallback for deliveries that carry no signature). Chosen explicitly: TDS_WEBHOOK_AUTH=token.
 */
export type WebhookAuthMode = 'hmac' | 'token';

/** Custom header the Zoho webhook may send the token in. */
export const WEBHOOK_TOKEN_HEADER = 'x-tds-webhook-token';
/** Custom query parameter the Zoho webhook may send the token in; never stored. */
export const WEBHOOK_TOKEN_QUERY = 'tds_token';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** The token a delivery carries (header first, then the query parameter), or undefined. */
function deliveredToken(delivery: Pick<WebhookDelivery, 'query' | 'token'>): string | undefined {
  if (typeof delivery.token === 'string' && delivery.token !== '') return delivery.token;
  const fromQuery = delivery.query?.[WEBHOOK_TOKEN_QUERY];
  const value = Array.isArray(fromQuery) ? fromQuery[0] : fromQuery;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Throws 401 unless the delivery carries `expected`; compared in constant time (hashes of equal length). */
export function checkWebhookToken(expected: string, delivery: Pick<WebhookDelivery, 'query' | 'token'>): void {
  const given = deliveredToken(delivery);
  if (given === undefined) {
    throw new WebhookRejectedError(401, 'missing_token', `Webhook has no ${WEBHOOK_TOKEN_HEADER} header or ${WEBHOOK_TOKEN_QUERY} query parameter`);
  }
  if (!timingSafeEqual(digest(given), digest(expected))) throw new WebhookRejectedError(401, 'invalid_token', 'Webhook token does not match');
}

/** The query without the token parameter: what is stored and looked at after authentication. */
export function withoutWebhookToken<T extends WebhookDelivery['query']>(query: T): T {
  if (!query || !Object.hasOwn(query, WEBHOOK_TOKEN_QUERY)) return query;
  const out = Object.assign(Object.create(null), query) as T;
  delete (out as Record<string, unknown>)[WEBHOOK_TOKEN_QUERY];
  return out;
}
