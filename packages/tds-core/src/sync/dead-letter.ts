import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { errorText } from '../queue/error-text';
import { normalizeZohoTime } from '../queue/validate';

/**
 * JSON text jsonb accepts: an escaped U+0000 or unpaired surrogate (which jsonb refuses; JSON.stringify
 * writes a lone surrogate as an escape, a paired one as the character) is stored as its six
 * characters, e.g. `\u0000` or `\ud83d`, so a record refused for holding one can still be kept for
 * inspection.
 */
export function jsonbText(value: unknown): string | null {
  const text = JSON.stringify(value ?? null);
  if (text === undefined) return null;
  return text.replace(/(?<!\\)((?:\\\\)*)\\u(0000|d[89a-f][0-9a-f]{2})/g, '$1\\\\u$2');
}

export interface SyncDeadLetter {
  entityType: string;
  zohoId: string | undefined;
  /** The record as Zoho sent it. */
  raw: unknown;
  error: unknown;
}

/**
 * Puts a record a sync could not apply into the DLQ with its reason (source 'sync'). The same
 * record with the same content already there, unresolved or resolved by an operator (`tds dlq
 * resolve`: a decision about exactly this content), is not added again, so repeated syncs neither
 * pile up copies nor reopen what was closed; a changed record that still fails is added. Returns
 * whether a row was added.
 */
export async function insertSyncDeadLetter(db: Kysely<Database>, letter: SyncDeadLetter): Promise<boolean> {
  const payload = jsonbText(letter.raw);
  const rawTime = (letter.raw as { last_modified_time?: unknown } | null)?.last_modified_time;
  const version = typeof rawTime === 'string' ? (normalizeZohoTime(rawTime) ?? null) : null;
  const zohoId = letter.zohoId ?? '(unknown id)';
  const result = await sql`
INSERT INTO tds_dead_letter_queue (entity_type, zoho_id, operation, payload, error, source, zoho_last_modified_time, retry_count)
SELECT ${letter.entityType}, ${zohoId}, 'upsert', ${payload}::jsonb, ${errorText(letter.error)}, 'sync', ${version}::timestamptz, 0
WHERE NOT EXISTS (
  SELECT 1 FROM tds_dead_letter_queue d
  WHERE d.entity_type = ${letter.entityType} AND d.zoho_id = ${zohoId} AND d.retried_at IS NULL
    AND d.payload IS NOT DISTINCT FROM ${payload}::jsonb
)`.execute(db);
  return Number(result.numAffectedRows ?? 0) > 0;
}
