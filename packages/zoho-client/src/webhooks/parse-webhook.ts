import { ZohoWebhookError } from '../errors';
import { parseExactJson } from '../json/parse-exact-json';
import { bodyText, isFormContentType, mediaType, queryPairs, type ZohoWebhookQuery } from './query-pairs';

/** Singular keys Zoho wraps a record in, with the id field of each. Checked in this order. */
export const ZOHO_WEBHOOK_ENTITIES = {
  item: 'item_id',
  composite_item: 'composite_item_id',
  contact: 'contact_id',
  invoice: 'invoice_id',
  bill: 'bill_id',
  pricebook: 'pricebook_id',
  creditnote: 'creditnote_id',
  salesorder: 'salesorder_id',
  purchaseorder: 'purchaseorder_id',
  customerpayment: 'payment_id',
  payment: 'payment_id',
  inventory_adjustment: 'inventory_adjustment_id',
  transfer_order: 'transfer_order_id',
  location: 'location_id',
  warehouse: 'warehouse_id',
} as const;

export type ZohoWebhookEntityKey = keyof typeof ZOHO_WEBHOOK_ENTITIES;

const BARE_RECORD_ORDER: ZohoWebhookEntityKey[] = [
  'creditnote',
  'salesorder',
  'purchaseorder',
  'payment',
  'invoice',
  'bill',
  'inventory_adjustment',
  'transfer_order',
  'composite_item',
  'pricebook',
  'contact',
  'item',
  'location',
  'warehouse',
];

export interface ZohoWebhookDelivery {
  entityKey: ZohoWebhookEntityKey;
  /** The record as Zoho sent it (parse it with the entity's schema). */
  record: Record<string, unknown>;
  recordId: string | null;
  /** POST/PUT → upsert; DELETE or `?event=deleted` → delete. */
  event: 'upsert' | 'delete';
}

export interface ParseZohoWebhookInput {
  rawBody: string | Uint8Array;
  contentType?: string | null;
  method?: string;
  query?: ZohoWebhookQuery;
}

const JSON_TYPES = new Set(['application/json', 'text/json', 'text/plain']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function decodeBody(input: ParseZohoWebhookInput): unknown {
  const type = mediaType(input.contentType);
  const text = bodyText(input.rawBody);
  if (text.trim() === '') throw new ZohoWebhookError(400, 'Webhook body is empty');
  if (isFormContentType(input.contentType)) {
    const json = new URLSearchParams(text).get('JSONString');
    if (json === null) throw new ZohoWebhookError(422, 'Form-encoded webhook has no JSONString field');
    try {
      return parseExactJson(json);
    } catch {
      throw new ZohoWebhookError(400, 'Webhook JSONString field is not valid JSON');
    }
  }
  if (!JSON_TYPES.has(type) && !type.endsWith('+json')) {
    throw new ZohoWebhookError(
      415,
      `Unsupported webhook content type ${JSON.stringify(type || '(none)')}; expected application/json or application/x-www-form-urlencoded`,
    );
  }
  try {
    return parseExactJson(text);
  } catch {
    throw new ZohoWebhookError(400, 'Webhook body is not valid JSON');
  }
}

function findEntity(body: Record<string, unknown>): { entityKey: ZohoWebhookEntityKey; record: Record<string, unknown> } | null {
  const keys = Object.keys(ZOHO_WEBHOOK_ENTITIES) as ZohoWebhookEntityKey[];
  for (const key of keys) {
    if (isObject(body[key])) return { entityKey: key, record: body[key] as Record<string, unknown> };
  }
  // A custom body of `${JSONString}` may carry the bare record: recognise it by its id field,
  // documents first (a credit note may also carry an invoice_id, an invoice never a creditnote_id).
  for (const key of BARE_RECORD_ORDER) {
    const id = body[ZOHO_WEBHOOK_ENTITIES[key]];
    if (typeof id === 'string' || typeof id === 'number') return { entityKey: key, record: body };
  }
  return null;
}

/** Decodes a Zoho webhook delivery (JSON, or form with JSONString); throws ZohoWebhookError (400/415/422). */
export function parseZohoWebhook(input: ParseZohoWebhookInput): ZohoWebhookDelivery {
  const body = decodeBody(input);
  if (!isObject(body)) throw new ZohoWebhookError(422, 'Webhook body is not a JSON object');
  const found = findEntity(body);
  if (!found) {
    throw new ZohoWebhookError(
      422,
      `Webhook body has no known entity key (expected one of ${Object.keys(ZOHO_WEBHOOK_ENTITIES).join(', ')})`,
    );
  }
  const id = found.record[ZOHO_WEBHOOK_ENTITIES[found.entityKey]];
  const eventParam = queryPairs(input.query).find(([key]) => key === 'event')?.[1]?.toLowerCase();
  const deleted = (input.method ?? 'POST').toUpperCase() === 'DELETE' || eventParam === 'deleted' || eventParam === 'delete';
  return {
    entityKey: found.entityKey,
    record: found.record,
    recordId: typeof id === 'string' || typeof id === 'number' ? String(id) : null,
    event: deleted ? 'delete' : 'upsert',
  };
}
