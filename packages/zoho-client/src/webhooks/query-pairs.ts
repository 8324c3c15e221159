/** A query as an adapter has it: raw string, URLSearchParams, or a parsed object (Express `req.query`). */
export type ZohoWebhookQuery = string | URLSearchParams | Record<string, unknown> | null | undefined;

/** Flattens a query into [key, value] pairs in arrival order; nested (qs-style) values are ignored. */
export function queryPairs(query: ZohoWebhookQuery): Array<[string, string]> {
  if (query === null || query === undefined) return [];
  if (typeof query === 'string') return [...new URLSearchParams(query.startsWith('?') ? query.slice(1) : query)];
  if (query instanceof URLSearchParams) return [...query];
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') pairs.push([key, String(item)]);
    }
  }
  return pairs;
}

export function isFormContentType(contentType: string | null | undefined): boolean {
  return mediaType(contentType) === 'application/x-www-form-urlencoded';
}

export function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export function bodyText(rawBody: string | Uint8Array): string {
  const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
