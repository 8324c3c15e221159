import { sql } from 'kysely';
import type { QueueDb } from '../../queue/types';

/** Failed items with no retries left move to the dead-letter queue with their last error: delete + insert in one statement. */
export async function deadLetterExhausted(db: QueueDb, limit: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
WITH picked AS (
  SELECT id FROM tds_sync_queue
  WHERE status = 'failed' AND retry_count >= max_retries
  ORDER BY id
  LIMIT ${limit}
  FOR UPDATE SKIP LOCKED
),
moved AS (
  DELETE FROM tds_sync_queue q USING picked p WHERE q.id = p.id
  RETURNING q.id, q.entity_type, q.zoho_id, q.operation, q.payload, q.retry_count, q.priority, q.max_retries,
            q.zoho_last_modified_time, q.source, q.last_error
)
INSERT INTO tds_dead_letter_queue
  (original_queue_id, entity_type, zoho_id, operation, payload, error, retry_count, priority, max_retries, zoho_last_modified_time, source)
SELECT id, entity_type, zoho_id, operation, payload, coalesce(last_error, 'failed with no retries left'), retry_count, priority, max_retries,
  zoho_last_modified_time, source
FROM moved
RETURNING original_queue_id::text AS id`.execute(db);
  return rows.map((r) => r.id);
}
