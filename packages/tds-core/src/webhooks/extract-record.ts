import { normalizeZohoTimestamp, ZOHO_WEBHOOK_ENTITIES, zohoTimestampProblem } from '@tsh/zoho-client/internal';
import { WebhookRejectedError } from './webhook-rejected-error';
import { webhookEntities, webhookKeysByEntityType, type EntityType, type WebhookEntityKey } from '../transform/entities';

/** The record a delivery carries, checked against its route. */
export interface WebhookRecord {
  key: WebhookEntityKey;
  record: Record<string, unknown>;
  zohoId: string;
  /** ISO-8601 with a colon in the offset, or null when Zoho sent none (price books have none). */
  lastModifiedTime: string | null;
}

const MAX_ID_LENGTH = 256;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function unprocessable(code: string, message: string): WebhookRejectedError {
  return new WebhookRejectedError(422, code, message);
}

function recordId(record: Record<string, unknown>, key: WebhookEntityKey): string {
  const field = webhookEntities[key].idField;
  const value = record[field];
  // A number id beyond 2^53 has already lost digits in JSON.parse: storing it would name another record.
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  if (typeof value === 'string' && value.trim() !== '' && value.length <= MAX_ID_LENGTH && !value.includes('\u0000')) return value;
  throw unprocessable('missing_record_id', `The ${key} record has no usable ${field}`);
}

function lastModifiedTime(record: Record<string, unknown>, key: WebhookEntityKey): string | null {
  const value = record.last_modified_time;
  if (value === undefined || value === null || value === '') return null;
  const iso = typeof value === 'string' ? normalizeZohoTimestamp(value) : undefined;
  if (iso === undefined) {
    const why = typeof value === 'string' ? (zohoTimestampProblem(value) ?? 'not a Zoho timestamp') : 'not a Zoho timestamp';
    throw unprocessable('invalid_record', `The ${key} record's last_modified_time is ${why}`);
  }
  return iso;
}

/**
 * The key of a bare record (Zoho's webhook body is configurable: a custom `${JSONString}` body
 * carries the record itself), recognised by the id field of one of the route's keys. Adjustments
 * and transfer orders before items: their lines may name an item, an item never names them.
 */
function bareRecordKey(body: Record<string, unknown>, accepted: readonly WebhookEntityKey[]): WebhookEntityKey | undefined {
  const ordered = [...accepted].sort((a, b) => Number(a === 'item') - Number(b === 'item'));
  return ordered.find((key) => {
    const id = body[webhookEntities[key].idField];
    return typeof id === 'string' || typeof id === 'number';
  });
}

/**
 * Finds the record of a delivery: wrapped in one of the singular keys the route takes
 * (`{"item": {…}}` on /products; item, inventory_adjustment or transfer_order on /stock), or bare,
 * when the body itself has the id field of one of them (`{"item_id": "…", …}`), as JSON or inside
 * a form's JSONString. Throws 422 otherwise.
 */
export function extractWebhookRecord(entity: EntityType, body: unknown): WebhookRecord {
  if (!isObject(body)) throw unprocessable('not_an_object', 'Webhook body is not a JSON object');
  const accepted: readonly WebhookEntityKey[] = webhookKeysByEntityType[entity];
  const key = accepted.find((candidate) => isObject(body[candidate]));
  if (key === undefined) {
    const other = Object.keys(ZOHO_WEBHOOK_ENTITIES).find((candidate) => isObject(body[candidate]));
    const bare = other === undefined ? bareRecordKey(body, accepted) : undefined;
    if (bare !== undefined) return { key: bare, record: body, zohoId: recordId(body, bare), lastModifiedTime: lastModifiedTime(body, bare) };
    const expected = accepted.map((k) => `"${k}"`).join(', ');
    const ids = accepted.map((k) => webhookEntities[k].idField).join(', ');
    throw other === undefined
      ? unprocessable('missing_record', `Webhook body has no record under ${expected}, nor is it a bare record with ${ids}`)
      : unprocessable('entity_mismatch', `Webhook body carries a "${other}" record; /${entity} takes ${expected}`);
  }
  const record = body[key] as Record<string, unknown>;
  return { key, record, zohoId: recordId(record, key), lastModifiedTime: lastModifiedTime(record, key) };
}
