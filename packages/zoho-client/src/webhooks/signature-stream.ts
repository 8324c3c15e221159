import { createHmac, timingSafeEqual, type Hmac } from 'node:crypto';
import { isFormContentType, queryPairs, type ZohoWebhookQuery } from './query-pairs';
import { signZohoWebhook } from './signature';

export interface ZohoWebhookSignatureStreamInput {
  secret: string;
  query?: ZohoWebhookQuery;
  contentType?: string | null;
}

/** Zoho's signature computed as the body arrives, for bodies too large to hold. */
export interface ZohoWebhookSignatureStream {
  /** The next bytes of the raw body, in order. */
  update(chunk: Uint8Array): void;
  /** The lowercase hex HMAC of everything given; the stream takes no more bytes after. */
  digestHex(): string;
  /** True only for a well-formed signature that matches everything given; never throws. */
  matches(signature: string | string[] | null | undefined): boolean;
}

const sortedPairs = (query: ZohoWebhookQuery) =>
  queryPairs(query)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}${value}`)
    .join('');

/**
 * The same signature as signZohoWebhook, fed chunk by chunk. A JSON (raw) body follows the sorted
 * query in the signed text, so each chunk goes straight into the HMAC and nothing is kept. A form
 * body's decoded fields are sorted together with the query, so not one byte can be hashed before
 * the last has arrived: form bodies are kept and signed at the end (the caller bounds their size).
 */
export function createZohoWebhookSignatureStream(input: ZohoWebhookSignatureStreamInput): ZohoWebhookSignatureStream {
  const form = isFormContentType(input.contentType);
  const kept: Uint8Array[] = [];
  let hmac: Hmac | null = form ? null : createHmac('sha256', input.secret).update(sortedPairs(input.query), 'utf8');
  let digest: string | null = null;

  const digestHex = (): string => {
    if (digest !== null) return digest;
    digest = form ? signZohoWebhook({ secret: input.secret, query: input.query, contentType: input.contentType, rawBody: Buffer.concat(kept) }) : hmac!.digest('hex');
    kept.length = 0;
    hmac = null;
    return digest;
  };

  return {
    update(chunk) {
      if (digest !== null) throw new Error('the webhook signature was already computed');
      if (form) kept.push(chunk);
      else hmac!.update(chunk);
    },
    digestHex,
    matches(signature) {
      try {
        const header = Array.isArray(signature) ? signature[0] : signature;
        if (typeof input.secret !== 'string' || input.secret === '' || typeof header !== 'string') return false;
        const given = header.trim().toLowerCase();
        if (!/^[0-9a-f]{64}$/.test(given)) return false;
        return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(digestHex(), 'hex'));
      } catch {
        return false;
      }
    },
  };
}
