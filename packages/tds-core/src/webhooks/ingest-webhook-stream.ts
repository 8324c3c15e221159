import { verifyZohoWebhookSignature } from '@tsh/zoho-client';
import type { WebhookStreamDelivery } from './types';
import { WebhookRejectedError } from './webhook-rejected-error';
import { isEntityType, type EntityType } from '../transform/entities';
import { webhookBodyKind } from './content-type';
import { webhookJsonText } from './decode-body';
import { extractWebhookRecord } from './extract-record';
import { DEFAULT_WEBHOOK_MAX_FETCHED_BODY_BYTES, fetchedWebhookRecords } from './fetched-records';
import { authenticateWebhook, DEFAULT_WEBHOOK_MAX_BODY_BYTES, plainQuery, verifyWebhook, webhookToStore, type WebhookIngestDeps } from './ingest-webhook';
import { JsonScanError } from './json-record-scan';
import { webhookPayloadHash } from './payload-hash';
import { createStreamedJsonBody, scannerFor } from './streamed-json-body';
import type { WebhookToStore } from './store-webhooks';
import { withoutWebhookToken } from './webhook-auth';
import { webhookOperation } from './webhook-operation';

const METHODS = new Set(['POST', 'PUT', 'DELETE']);

export type WebhookStreamDeps = Pick<WebhookIngestDeps, 'secret' | 'maxBodyBytes' | 'maxFetchedBodyBytes' | 'auth' | 'token'>;

const tooLarge = (limit: number, detail = '') => new WebhookRejectedError(413, 'payload_too_large', `Webhook body is larger than ${limit} bytes${detail}`);

/** The record of a form body over the kept limit: the form is held (its fields are signed sorted), its JSONString is only scanned. */
function scanForm(entity: EntityType, rawBody: Buffer, operation: ReturnType<typeof webhookOperation>): { scanned: unknown; payloadHash: string } {
  const jsonText = webhookJsonText(rawBody, 'form');
  const scanner = scannerFor(entity);
  try {
    scanner.write(jsonText);
    return { scanned: scanner.end(), payloadHash: webhookPayloadHash(entity, operation, jsonText) };
  } catch (error) {
    if (error instanceof JsonScanError) throw new WebhookRejectedError(400, 'invalid_json_string', 'Webhook JSONString field is not valid JSON');
    throw error;
  }
}

/**
 * verifyWebhook for a body still arriving (see docs/webhook-intake.md). A body within the kept
 * limit (1 MB) is collected and checked by verifyWebhook itself, so it is stored exactly as
 * before. Past it, only a route whose records are fetched from Zoho anyway (fetched-records.ts)
 * reads on, up to the larger limit, keeping nothing of a JSON body but its running HMAC, hash and
 * scan: the delivery stores the record's id and no payload. The body is always read to its end,
 * also when it is refused, so the host can answer on the same connection.
 */
export async function verifyWebhookStream(deps: WebhookStreamDeps, delivery: WebhookStreamDelivery): Promise<WebhookToStore> {
  const entity = delivery.entity;
  if (!isEntityType(entity)) throw new WebhookRejectedError(404, 'unknown_entity', `No webhook route for entity ${JSON.stringify(String(entity).slice(0, 64))}`);
  const method = String(delivery.method).toUpperCase();
  if (!METHODS.has(method)) throw new WebhookRejectedError(405, 'method_not_allowed', 'Webhooks are POST, PUT or DELETE');

  const keptLimit = Math.min(deps.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES, delivery.maxBodyBytes ?? Number.POSITIVE_INFINITY);
  const fetchedKeys = fetchedWebhookRecords[entity] ?? [];
  const limit = fetchedKeys.length > 0 ? Math.max(keptLimit, deps.maxFetchedBodyBytes ?? DEFAULT_WEBHOOK_MAX_FETCHED_BODY_BYTES) : keptLimit;
  const kind = webhookBodyKind(delivery.contentType);
  const operation = webhookOperation({ method, query: delivery.query });
  const streamed = fetchedKeys.length > 0 && kind === 'json' ? createStreamedJsonBody(deps.secret ?? '', delivery, entity, operation) : null;

  let size = 0;
  let kept: Uint8Array[] | null = [];
  for await (const chunk of delivery.body) {
    size += chunk.byteLength;
    if (size > limit) {
      kept = null; // read on to the end, keeping nothing: the answer is 413
      continue;
    }
    streamed?.write(chunk);
    // A JSON body past the kept limit is no longer held; a form body is held up to the larger limit.
    if (kept !== null && (size <= keptLimit || (kind === 'form' && fetchedKeys.length > 0))) kept.push(chunk);
    else kept = null;
  }
  if (size > limit) throw tooLarge(limit);
  if (size <= keptLimit) return verifyWebhook({ ...deps, maxBodyBytes: keptLimit }, { ...delivery, rawBody: Buffer.concat(kept!) });

  // A body of a fetched route, past the kept limit: the checks of verifyWebhook, in its order.
  if (kind === null) {
    throw new WebhookRejectedError(415, 'unsupported_media_type', 'Webhook content type must be UTF-8 application/json or application/x-www-form-urlencoded');
  }
  const rawForm = kind === 'form' ? Buffer.concat(kept!) : null;
  kept = null;
  authenticateWebhook(deps, delivery, () =>
    streamed !== null
      ? streamed.signatureMatches(delivery.signature!)
      : verifyZohoWebhookSignature({ secret: deps.secret, signature: delivery.signature, query: delivery.query, rawBody: rawForm!, contentType: delivery.contentType }),
  );

  const query = plainQuery(withoutWebhookToken(delivery.query));
  const { scanned, payloadHash } = streamed !== null ? streamed.finish() : scanForm(entity, rawForm!, operation);
  const found = extractWebhookRecord(entity, scanned);
  if (!fetchedKeys.includes(found.key)) {
    throw tooLarge(keptLimit, ` (only ${fetchedKeys.map((key) => `"${key}"`).join(', ')} records, fetched from Zoho, may be larger)`);
  }
  return webhookToStore({ entity, method, query, operation, found, payloadHash, keepRecord: false });
}
