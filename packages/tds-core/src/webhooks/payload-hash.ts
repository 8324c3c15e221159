import { createHash, type Hash } from 'node:crypto';
import type { QueueOperation } from '../db/schema';

/** The hash of webhookPayloadHash fed piece by piece, for a record's JSON that arrives in chunks. */
export function createWebhookPayloadHasher(entity: string, operation: QueueOperation): { update(jsonText: string): void; digest(): string } {
  const hash: Hash = createHash('sha256').update(`${entity}\n${operation}\n`);
  return {
    update: (jsonText) => void hash.update(jsonText, 'utf8'),
    digest: () => hash.digest('hex'),
  };
}

/**
 * Identifies a delivery for duplicate detection. Zoho sends no event id, so a delivery is its
 * record as sent plus what was done to it: the same record re-sent is a duplicate, the same record
 * deleted is not.
 */
export function webhookPayloadHash(entity: string, operation: QueueOperation, jsonText: string): string {
  const hasher = createWebhookPayloadHasher(entity, operation);
  hasher.update(jsonText);
  return hasher.digest();
}
