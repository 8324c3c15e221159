import type { ZohoItem } from '@tsh/zoho-client';
import { isBlank } from './text';

/** A custom field value usable as text: strings as sent, finite numbers in their JS spelling. */
function asText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/**
 * The first non-blank value of the custom field `apiName`, looked up in `custom_fields[]` (by
 * api_name) and then in `custom_field_hash`. Null when neither carries it.
 */
export function customFieldText(record: Pick<ZohoItem, 'custom_fields' | 'custom_field_hash'>, apiName: string): string | null {
  for (const field of record.custom_fields ?? []) {
    if (field.api_name !== apiName) continue;
    const text = asText(field.value);
    if (!isBlank(text)) return text;
  }
  const hash = record.custom_field_hash;
  if (hash && Object.hasOwn(hash, apiName)) {
    const text = asText(hash[apiName]);
    if (!isBlank(text)) return text;
  }
  return null;
}
