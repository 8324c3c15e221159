/** How a webhook body is encoded: the record as JSON, or form fields with the JSON in `JSONString`. */
export type WebhookBodyKind = 'json' | 'form';

const JSON_MEDIA_TYPE = /^(application\/json|text\/json|application\/[a-z0-9.+-]+\+json)$/;
const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

function parameter(contentType: string, name: string): string | undefined {
  for (const part of contentType.split(';').slice(1)) {
    const [key, ...rest] = part.split('=');
    if (key.trim().toLowerCase() === name) return rest.join('=').trim().replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return undefined;
}

/** The body kind of a Content-Type header, or null when it is neither JSON nor form-encoded UTF-8. */
export function webhookBodyKind(contentType: string | undefined): WebhookBodyKind | null {
  if (typeof contentType !== 'string') return null;
  const media = contentType.split(';')[0].trim().toLowerCase();
  const charset = parameter(contentType, 'charset');
  if (charset !== undefined && !UTF8_CHARSETS.has(charset)) return null;
  if (JSON_MEDIA_TYPE.test(media)) return 'json';
  if (media === 'application/x-www-form-urlencoded') return 'form';
  return null;
}
