import { createZohoWebhookSignatureStream, ZOHO_WEBHOOK_ENTITIES } from '@tsh/zoho-client/internal';
import type { WebhookDelivery } from './types';
import { WebhookRejectedError } from './webhook-rejected-error';
import type { QueueOperation } from '../db/schema';
import { webhookEntities, webhookKeysByEntityType, type EntityType } from '../transform/entities';
import { createJsonRecordScanner, JsonScanError } from './json-record-scan';
import { createWebhookPayloadHasher } from './payload-hash';

/** What a JSON body read chunk by chunk leaves: its signature's verdict and, when it was JSON, its record as scanned. */
export interface StreamedJsonBody {
  write(chunk: Uint8Array): void;
  /** Throws the 400 the body earned (not UTF-8, not JSON, empty); call only once the signature matched. */
  finish(): { scanned: unknown; payloadHash: string };
  signatureMatches(signature: string | undefined): boolean;
}

function rejection(error: unknown, what: string): WebhookRejectedError {
  if (error instanceof JsonScanError) {
    return error.reason === 'empty'
      ? new WebhookRejectedError(400, 'empty_body', 'Webhook body is empty')
      : new WebhookRejectedError(400, 'invalid_json', `${what} is not valid JSON`);
  }
  if (error instanceof TypeError) return new WebhookRejectedError(400, 'invalid_encoding', 'Webhook body is not valid UTF-8');
  throw error;
}

/** The record keys to watch on a route (every known key, so that a wrong one is named) and the fields to keep of them. */
export function scannerFor(entity: EntityType) {
  const accepted = webhookKeysByEntityType[entity];
  return createJsonRecordScanner({
    keys: Object.keys(ZOHO_WEBHOOK_ENTITIES),
    fields: [...accepted.map((key) => webhookEntities[key].idField), 'last_modified_time'],
  });
}

/**
 * A JSON body verified and read as it arrives: each chunk goes into the signature's HMAC, the
 * UTF-8 check, the duplicate-detection hash and the JSON scan, and is then let go. A body that is
 * found not to be UTF-8 or JSON is still hashed to its end: whether it was signed decides 401 or 400.
 */
export function createStreamedJsonBody(
  secret: string,
  delivery: Pick<WebhookDelivery, 'query' | 'contentType'>,
  entity: EntityType,
  operation: QueueOperation,
): StreamedJsonBody {
  const signature = createZohoWebhookSignatureStream({ secret, query: delivery.query as Record<string, unknown>, contentType: delivery.contentType });
  // fatal: a bad byte is refused rather than stored as U+FFFD (as decode-body.ts does); a leading BOM is dropped as there.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const hasher = createWebhookPayloadHasher(entity, operation);
  const scanner = scannerFor(entity);
  // A body that is not UTF-8 is refused as such even when its JSON broke earlier, as the one-shot
  // path decodes the whole body before parsing it: decoding goes on to the end after a JSON problem.
  let encodingProblem: WebhookRejectedError | null = null;
  let jsonProblem: WebhookRejectedError | null = null;

  const read = (text: string) => {
    if (jsonProblem !== null) return;
    try {
      hasher.update(text);
      scanner.write(text);
    } catch (error) {
      jsonProblem = rejection(error, 'Webhook body');
    }
  };
  const decode = (chunk?: Uint8Array) => {
    if (encodingProblem !== null) return;
    try {
      read(chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true }));
    } catch (error) {
      encodingProblem = rejection(error, 'Webhook body');
    }
  };

  return {
    write(chunk) {
      signature.update(chunk);
      decode(chunk);
    },
    signatureMatches: (header) => signature.matches(header),
    finish() {
      decode();
      if (encodingProblem === null && jsonProblem === null) {
        try {
          return { scanned: scanner.end(), payloadHash: hasher.digest() };
        } catch (error) {
          jsonProblem = rejection(error, 'Webhook body');
        }
      }
      throw encodingProblem ?? jsonProblem;
    },
  };
}
