import { verifyZohoWebhookSignature } from '@tsh/zoho-client';
import type { Kysely } from 'kysely';
import type { WebhookDelivery, WebhookIngestResult, WebhookStreamDelivery } from './types';
import { WebhookRejectedError } from './webhook-rejected-error';
import { silentLogger, type LoggerLike } from '../db/logger-like';
import type { Database, QueueOperation } from '../db/schema';
import { QueueInputError } from '../queue/types';
import { normalizeEnqueueInputs, type NormalizedEnqueue } from '../queue/validate';
import { isEntityType, type EntityType } from '../transform/entities';
import { webhookBodyKind } from './content-type';
import { decodeWebhookBody } from './decode-body';
import { extractWebhookRecord, type WebhookRecord } from './extract-record';
import { verifyWebhookStream } from './ingest-webhook-stream';
import { webhookPayloadHash } from './payload-hash';
import { storeWebhooks, type WebhookToStore } from './store-webhooks';
import { createWebhookBatcher, type WebhookBatcherOptions } from './webhook-batcher';
import { checkWebhookToken, withoutWebhookToken, type WebhookAuthMode } from './webhook-auth';
import { webhookOperation } from './webhook-operation';
import { wellFormedText } from '../queue/well-formed-text';

export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;

export interface WebhookIngestDeps {
  db: Kysely<Database>;
  /** ZOHO_WEBHOOK_SECRET. Without one (in hmac mode) every delivery is refused (401). */
  secret: string;
  /** hmac (default) or token: how a delivery is authenticated (webhook-auth.ts, docs/security.md). */
  auth?: WebhookAuthMode;
  /** TDS_WEBHOOK_TOKEN, for `auth: 'token'`. */
  token?: string;
  /** Default 1 MB. */
  maxBodyBytes?: number;
  /** TDS_WEBHOOK_MAX_FETCHED_BODY_BYTES: the limit for records fetched from Zoho anyway (fetched-records.ts). Default 64 MB. */
  maxFetchedBodyBytes?: number;
  logger?: LoggerLike;
}

const METHODS = new Set(['POST', 'PUT', 'DELETE']);

/** Query values as strings (arrays for repeated keys), as they are stored in the inbox row. */
export function plainQuery(query: WebhookDelivery['query']): Record<string, string | string[]> {
  // Null prototype: a `__proto__` query key is stored like any other key.
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (typeof value === 'string') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.filter((v): v is string => typeof v === 'string');
  }
  if (JSON.stringify(out).includes('\\u0000')) throw new WebhookRejectedError(400, 'invalid_query', 'Webhook query contains a NUL character');
  return out;
}

/**
 * The 401 step: in token mode the shared token, otherwise the HMAC signature (`signatureMatches`
 * is only asked when a signature is there).
 */
export function authenticateWebhook(
  deps: Pick<WebhookIngestDeps, 'auth' | 'token'>,
  delivery: Pick<WebhookDelivery, 'query' | 'token' | 'signature'>,
  signatureMatches: () => boolean,
): void {
  if (deps.auth === 'token') {
    checkWebhookToken(deps.token ?? '', delivery);
    return;
  }
  if (delivery.signature === undefined || delivery.signature === '') {
    throw new WebhookRejectedError(401, 'missing_signature', 'Webhook has no X-Zoho-Webhook-Signature header');
  }
  if (!signatureMatches()) throw new WebhookRejectedError(401, 'invalid_signature', 'Webhook signature does not match');
}

/**
 * Every check of a delivery, in the order 404, 405, 413, 415, 401, 400, 422; returns what to
 * store, or throws WebhookRejectedError. Reads nothing from and writes nothing to the database.
 */
export function verifyWebhook(deps: Pick<WebhookIngestDeps, 'secret' | 'maxBodyBytes' | 'auth' | 'token'>, delivery: WebhookDelivery): WebhookToStore {
  const entity = delivery.entity;
  if (!isEntityType(entity)) throw new WebhookRejectedError(404, 'unknown_entity', `No webhook route for entity ${JSON.stringify(String(entity).slice(0, 64))}`);
  const method = String(delivery.method).toUpperCase();
  if (!METHODS.has(method)) throw new WebhookRejectedError(405, 'method_not_allowed', 'Webhooks are POST, PUT or DELETE');
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES;
  if (delivery.rawBody.length > maxBodyBytes) {
    throw new WebhookRejectedError(413, 'payload_too_large', `Webhook body is larger than ${maxBodyBytes} bytes`);
  }
  const kind = webhookBodyKind(delivery.contentType);
  if (kind === null) {
    throw new WebhookRejectedError(415, 'unsupported_media_type', 'Webhook content type must be UTF-8 application/json or application/x-www-form-urlencoded');
  }
  authenticateWebhook(deps, delivery, () =>
    verifyZohoWebhookSignature({
      secret: deps.secret,
      signature: delivery.signature,
      query: delivery.query,
      rawBody: delivery.rawBody,
      contentType: delivery.contentType,
    }),
  );

  const query = plainQuery(withoutWebhookToken(delivery.query));
  const { body, jsonText } = decodeWebhookBody(delivery.rawBody, kind);
  const found = extractWebhookRecord(entity, body);
  const operation = webhookOperation({ method, query });
  return webhookToStore({ entity, method, query, operation, found, payloadHash: webhookPayloadHash(entity, operation, jsonText), keepRecord: true });
}

/** A verified delivery's record, ready to be stored; `keepRecord: false` stores its id only (the worker fetches it from Zoho). */
export interface VerifiedWebhookRecord {
  entity: EntityType;
  method: string;
  query: Record<string, string | string[]>;
  operation: QueueOperation;
  found: WebhookRecord;
  payloadHash: string;
  keepRecord: boolean;
}

/** What a verified delivery stores; throws 422 for what the queue could not hold. */
export function webhookToStore({ entity, method, query, operation, found, payloadHash, keepRecord }: VerifiedWebhookRecord): WebhookToStore {
  // The id as PostgreSQL stores it: the intake decides repeats by comparing ids read back from the
  // inbox with this one (a lone surrogate kept here made a re-sent copy look new).
  const zohoId = wellFormedText(found.zohoId);
  const queueItem = {
    entity_type: entity,
    zoho_id: zohoId,
    operation,
    // Price books carry no modification time, so deliveries arriving out of order could not be
    // ordered: the queue item names the book and the worker applies Zoho's current version.
    payload: !keepRecord || (entity === 'pricelists' && operation === 'upsert') ? null : found.record,
    zoho_last_modified_time: found.lastModifiedTime,
    source: 'webhook' as const,
  };
  let queueRow: NormalizedEnqueue;
  try {
    // The queue refuses what PostgreSQL cannot hold (a NUL in a text): found out here, before any
    // write. The checked row (its payload serialised) is what the intake enqueues: serialised once.
    [queueRow] = normalizeEnqueueInputs([queueItem]) as [NormalizedEnqueue];
  } catch (error) {
    if (error instanceof QueueInputError) throw new WebhookRejectedError(422, 'invalid_record', error.message.replace('events[0].', ''));
    throw error;
  }
  return { entity, zohoId, method, operation, payloadHash, query, queueItem, queueRow };
}

async function logged(
  logger: LoggerLike,
  delivery: Pick<WebhookDelivery, 'entity'>,
  run: () => Promise<WebhookIngestResult>,
): Promise<WebhookIngestResult> {
  try {
    const result = await run();
    logger.debug({ entity: delivery.entity, status: result.status, eventId: result.eventId, queueItemId: result.queueItemId }, 'webhook stored');
    return result;
  } catch (error) {
    if (error instanceof WebhookRejectedError) {
      logger.info({ entity: String(delivery.entity).slice(0, 64), status: error.status, code: error.code }, 'webhook refused');
    }
    throw error;
  }
}

/**
 * Verifies, decodes and durably stores one Zoho webhook delivery: the inbox row and the queue item
 * in one transaction. Every refusal is a WebhookRejectedError thrown before anything is written.
 */
export async function ingestWebhook(deps: WebhookIngestDeps, delivery: WebhookDelivery): Promise<WebhookIngestResult> {
  return logged(deps.logger ?? silentLogger, delivery, async () => {
    const [result] = await storeWebhooks(deps.db, [verifyWebhook(deps, delivery)]);
    return result;
  });
}

/** ingestWebhook for a body still arriving (verifyWebhookStream). */
export async function ingestWebhookStream(deps: WebhookIngestDeps, delivery: WebhookStreamDelivery): Promise<WebhookIngestResult> {
  return logged(deps.logger ?? silentLogger, delivery, async () => {
    const [result] = await storeWebhooks(deps.db, [await verifyWebhookStream(deps, delivery)]);
    return result;
  });
}

export class WebhookConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookConfigError';
  }
}

export interface WebhookIngestor {
  ingest(delivery: WebhookDelivery): Promise<WebhookIngestResult>;
  ingestStream(delivery: WebhookStreamDelivery): Promise<WebhookIngestResult>;
}

/**
 * The `webhooks` member of TdsCore: `ingestWebhook` bound to its dependencies, with deliveries
 * that arrive together written in shared transactions (see createWebhookBatcher). Fails closed
 * without a secret (or, in token mode, a token).
 */
export function createWebhookIngestor(deps: WebhookIngestDeps & { batch?: WebhookBatcherOptions }): WebhookIngestor {
  if (deps.auth === 'token') {
    if (typeof deps.token !== 'string' || deps.token.length < 32) {
      throw new WebhookConfigError('A webhook token of at least 32 characters (TDS_WEBHOOK_TOKEN) is required with TDS_WEBHOOK_AUTH=token');
    }
  } else if (typeof deps.secret !== 'string' || deps.secret.trim() === '') {
    throw new WebhookConfigError('A webhook secret (ZOHO_WEBHOOK_SECRET) is required: unsigned webhooks are never accepted');
  }
  if (deps.maxBodyBytes !== undefined && (!Number.isInteger(deps.maxBodyBytes) || deps.maxBodyBytes < 1)) {
    throw new WebhookConfigError('maxBodyBytes must be a positive whole number');
  }
  if (deps.maxFetchedBodyBytes !== undefined && (!Number.isInteger(deps.maxFetchedBodyBytes) || deps.maxFetchedBodyBytes < 1)) {
    throw new WebhookConfigError('maxFetchedBodyBytes must be a positive whole number');
  }
  const batcher = createWebhookBatcher(deps.db, deps.batch);
  const logger = deps.logger ?? silentLogger;
  return {
    ingest: (delivery) => logged(logger, delivery, async () => batcher.store(verifyWebhook(deps, delivery))),
    ingestStream: (delivery) => logged(logger, delivery, async () => batcher.store(await verifyWebhookStream(deps, delivery))),
  };
}
