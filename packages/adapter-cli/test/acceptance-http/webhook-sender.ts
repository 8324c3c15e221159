import { request } from 'node:http';
import { zohoSignature } from './zoho-signature';

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';

export interface Delivery {
  /** The path segment after /api/zoho/webhooks/. */
  entity: string;
  method?: string;
  /** Custom query parameters, decoded (they are signed, then percent-encoded into the URL). */
  query?: ReadonlyArray<readonly [string, string]>;
  body: string | Buffer;
  /** Default application/json. */
  contentType?: string;
  /** undefined: signed from the spec; null: no signature header; a string: sent as is. */
  signature?: string | null;
  /** Query appended to the URL after signing (what a forger would add). */
  unsignedQuery?: ReadonlyArray<readonly [string, string]>;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
}

const encodeQuery = (pairs: ReadonlyArray<readonly [string, string]>) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

export function webhookUrl(baseUrl: string, delivery: Pick<Delivery, 'entity' | 'query' | 'unsignedQuery'>): string {
  const query = encodeQuery([...(delivery.query ?? []), ...(delivery.unsignedQuery ?? [])]);
  return `${baseUrl}/api/zoho/webhooks/${delivery.entity}${query ? `?${query}` : ''}`;
}

/** Delivers a webhook the way Zoho would (signed with `secret` unless told otherwise), over plain node:http. */
export function deliver(baseUrl: string, secret: string, delivery: Delivery): Promise<Answer> {
  const contentType = delivery.contentType ?? JSON_TYPE;
  const signature =
    delivery.signature === undefined
      ? zohoSignature(secret, { query: delivery.query ?? [], body: delivery.body, form: contentType.split(';')[0].trim().toLowerCase() === FORM })
      : delivery.signature;
  const headers: Record<string, string> = { 'content-type': contentType, 'user-agent': 'Zoho-Webhook (acceptance test)', ...delivery.headers };
  if (signature !== null) headers['x-zoho-webhook-signature'] = signature;
  return httpAnswer(webhookUrl(baseUrl, delivery), { method: delivery.method ?? 'POST', headers, body: delivery.body });
}

/**
 * One HTTP exchange with node:http (fetch cannot send some of what a hostile client sends, such as
 * a body on any method with exact bytes, or 64 KB of headers); the connection is not reused.
 */
export function httpAnswer(url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  // Node's client sends a DELETE body with no length at all (it frames only POST/PUT by default).
  const length = init.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(init.body)) };
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: { connection: 'close', ...length, ...init.headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
