import { createHash } from 'node:crypto';
import type { QueueOperation } from '../db/schema';

/**
 * Identifies a delivery for duplicate detection. Zoho sends no event id, so a delivery is its
 * record as sent plus what was done to it: the same record re-sent is a duplicate, the same record
 * deleted is not.
 */
export function webhookPayloadHash(entity: string, operation: QueueOperation, jsonText: string): string {
  return createHash('sha256').update(`${entity}\n${operation}\n`).update(jsonText, 'utf8').digest('hex');
}
