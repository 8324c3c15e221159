import { webhookEntities, webhookEntityKeys, type WebhookEntityKey } from '../transform/entities';

/** The raw Zoho record a queue item carries, with the kind of record it is. */
export interface CarriedRecord {
  key: WebhookEntityKey;
  raw: Record<string, unknown>;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Reads the record in a queue item's payload: a bare record (as webhook ingestion stores it) or one
 * wrapped in its singular key (`{"item": {…}}`). Among `accepted` kinds, the one whose id field the
 * record has wins; kinds are tried in the given order (an adjustment also lists item ids in its
 * lines, never at its top level). Null when the payload carries no record: fetch it by id.
 */
export function carriedRecord(payload: unknown, accepted: readonly WebhookEntityKey[]): CarriedRecord | null {
  if (!isObject(payload)) return null;
  for (const key of accepted) if (isObject(payload[key])) return { key, raw: payload[key] as Record<string, unknown> };
  for (const key of accepted) {
    const idField = webhookEntities[key].idField;
    if (payload[idField] !== undefined && payload[idField] !== null && payload[idField] !== '') return { key, raw: payload };
  }
  // A wrapper of a kind this route does not take, or an unknown shape: let the accepted schema report it.
  const wrapped = webhookEntityKeys.find((key) => isObject(payload[key]));
  return { key: accepted[0], raw: wrapped ? (payload[wrapped] as Record<string, unknown>) : payload };
}
