import { sql } from 'kysely';
import type { QueueDb } from './types';

/**
 * Items whose lease ran out on their last allowed attempt (their worker crashed, or a handler hung
 * each time) move to the DLQ in one statement. claim() never takes them back, so a record that
 * kills its worker cannot loop forever. Returns the queue ids moved.
 */
export async function reapExpiredLeases(db: QueueDb): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
WITH moved AS (
  DELETE FROM tds_sync_queue q
  WHERE q.id IN (
    SELECT id FROM tds_sync_queue
    WHERE status = 'processing' AND locked_until < now() AND retry_count + 1 >= max_retries
    FOR UPDATE SKIP LOCKED
  )
  RETURNING q.*
)
INSERT INTO tds_dead_letter_queue
  (original_queue_id, entity_type, zoho_id, operation, payload, error, retry_count, priority, max_retries, zoho_last_modified_time, source)
SELECT id, entity_type, zoho_id, operation, payload,
  'lease expired on the last attempt while held by ' || coalesce(locked_by, '?') || coalesce('; previous error: ' || last_error, ''),
  retry_count + 1, priority, max_retries, zoho_last_modified_time, source
FROM moved
RETURNING original_queue_id::text AS id`.execute(db);
  return rows.map((r) => r.id);
}
