import { sql } from 'kysely';
import type { DeadLetterRow } from '../db/schema';
import { normalizeIds, requireText } from './validate';
import type { QueueDb } from './types';

/** Closes an open dead letter with a note (a person decided it needs no retry). Returns it, or undefined when no open entry has that id. */
export async function resolveDeadLetter(db: QueueDb, id: string | number, note: string): Promise<DeadLetterRow | undefined> {
  const [dlqId] = normalizeIds([id], 'id');
  requireText(note, 'note', 2000);
  const { rows } = await sql<DeadLetterRow>`
UPDATE tds_dead_letter_queue
SET resolved_at = now(), resolution_note = ${note}
WHERE id = ${dlqId}::bigint AND resolved_at IS NULL AND retried_at IS NULL
RETURNING *`.execute(db);
  return rows[0];
}
