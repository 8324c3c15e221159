import { ZohoApiError } from '../errors';
import { parseExactJson } from '../json/parse-exact-json';
import type { HttpResponse } from '../transport/transport';

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

export type ZohoEnvelope = Record<string, unknown> & { code?: number; message?: string };

function parseJson(text: string): unknown {
  try {
    return parseExactJson(text);
  } catch {
    return undefined;
  }
}

export function zohoCode(body: Record<string, unknown>): number | undefined {
  const code = body.code;
  if (typeof code === 'number') return code;
  if (typeof code === 'string' && /^-?\d+$/.test(code)) return Number(code);
  return undefined;
}

/**
 * Turns one HTTP response into the Zoho envelope, or throws a ZohoApiError saying whether a retry
 * could help. Zoho reports errors both as HTTP statuses and as `code != 0` in a 200 body.
 */
export function interpretResponse(
  response: HttpResponse,
  endpoint: string,
  redact: (text: string) => string,
  now: number,
): ZohoEnvelope {
  const { status } = response;
  const retryAfter = status === 429 ? retryAfterMs(response.headers, now) : undefined;
  const body = parseJson(response.text);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    const contentType = response.headers.get('content-type') ?? 'no content type';
    // HTML from a proxy or load balancer is transient; a 4xx other than 429/401 with HTML is a wrong URL.
    const retryable = status === 429 || status >= 500 || status < 400;
    throw new ZohoApiError({
      status,
      message: `expected a JSON object, got ${contentType} (${response.text.length} bytes)`,
      endpoint,
      retryable,
      retryAfterMs: retryAfter,
    });
  }
  const envelope = body as ZohoEnvelope;
  const code = zohoCode(envelope);
  const message = typeof envelope.message === 'string' ? redact(envelope.message) : `HTTP ${status}`;
  if (status >= 400) {
    throw new ZohoApiError({ status, code, message, endpoint, retryable: RETRYABLE_STATUS.has(status), retryAfterMs: retryAfter });
  }
  if (code !== undefined && code !== 0) {
    throw new ZohoApiError({ status, code, message, endpoint, retryable: false });
  }
  return envelope;
}

/** `Retry-After` as milliseconds (seconds or an HTTP date), or undefined. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
