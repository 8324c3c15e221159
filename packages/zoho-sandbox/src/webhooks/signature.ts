import { createHmac } from 'node:crypto';

export interface SandboxWebhookSigningInput {
  /** Query parameters of the request URL (custom parameters configured on the webhook). */
  query: Iterable<readonly [string, string]>;
  /** Raw JSON body: appended after the sorted pairs. */
  rawBody?: string;
  /** Decoded form fields (JSONString included): they join the sorted pairs and nothing is appended. */
  form?: Iterable<readonly [string, string]>;
}

/**
 * Zoho's webhook signature: lowercase hex HMAC-SHA256 keyed with the secret,
 * over the parameters sorted by key (a stable sort: equal keys keep query then form
 * order, as the client's verifier does), each written as key then
 * value with no separator, followed by the raw body for a JSON body.
 */
export function sandboxWebhookSignature(secret: string, input: SandboxWebhookSigningInput): string {
  const pairs = [...input.query, ...(input.form ?? [])].map(([k, v]) => [k, v] as const);
  pairs.sort(([ka], [kb]) => (ka < kb ? -1 : ka > kb ? 1 : 0));
  let payload = pairs.map(([k, v]) => k + v).join('');
  if (input.form === undefined && input.rawBody !== undefined) payload += input.rawBody;
  return createHmac('sha256', secret).update(payload, 'utf8').digest('hex');
}
