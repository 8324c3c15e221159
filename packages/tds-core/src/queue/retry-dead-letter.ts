import { sql } from 'kysely';
import { attemptsFor, withRetryOn } from './retry-on';
import { normalizeIds } from './validate';
import type { QueueDb } from './types';

export interface RetriedDeadLetter {
  /** The DLQ entry. */
  id: string;
  /** The pending queue item that now carries it (a newer pending item of the same record may have absorbed it). */
  queue_id: string | null;
}

/**
 * Sends open dead letters (one id, or 'all') back to the queue with a fresh retry count, in one
 * statement; each entry is marked retried and points at its queue item. Enqueue's coalescing rule
 * applies: a newer pending version of the record is kept.
 */
export async function retryDeadLetter(db: QueueDb, target: string | number | 'all'): Promise<RetriedDeadLetter[]> {
  const ids = target === 'all' ? null : normalizeIds([target], 'id');
  const statement = sql<RetriedDeadLetter>`
WITH picked AS (
  SELECT * FROM tds_dead_letter_queue
  WHERE resolved_at IS NULL AND retried_at IS NULL AND (${ids}::bigint[] IS NULL OR id = ANY(${ids}::bigint[]))
  FOR UPDATE
),
winners AS (
  SELECT DISTINCT ON (entity_type, zoho_id) *
  FROM picked
  ORDER BY entity_type, zoho_id, coalesce(zoho_last_modified_time, 'infinity') DESC, (operation = 'delete') DESC, id DESC
),
requeued AS (
  INSERT INTO tds_sync_queue AS q (entity_type, zoho_id, operation, payload, zoho_last_modified_time, source, priority, max_retries)
  SELECT entity_type, zoho_id, operation, payload, zoho_last_modified_time, coalesce(source, 'manual'), priority, max_retries
  FROM winners
  ORDER BY entity_type, zoho_id
  ON CONFLICT (entity_type, zoho_id) WHERE status = 'pending' DO UPDATE SET
    operation = excluded.operation,
    payload = excluded.payload,
    zoho_last_modified_time = excluded.zoho_last_modified_time,
    source = excluded.source,
    priority = greatest(q.priority, excluded.priority),
    retry_count = 0,
    run_after = now(),
    updated_at = now()
  WHERE (coalesce(excluded.zoho_last_modified_time, 'infinity'), excluded.operation = 'delete')
     >= (coalesce(q.zoho_last_modified_time, 'infinity'), q.operation = 'delete')
  RETURNING q.id, q.entity_type, q.zoho_id
)
UPDATE tds_dead_letter_queue d
SET retried_at = now(), retried_queue_id = coalesce(r.id, p.id)
FROM picked k
LEFT JOIN requeued r ON r.entity_type = k.entity_type AND r.zoho_id = k.zoho_id
LEFT JOIN tds_sync_queue p ON p.status = 'pending' AND p.entity_type = k.entity_type AND p.zoho_id = k.zoho_id
WHERE d.id = k.id
RETURNING d.id::text AS id, d.retried_queue_id::text AS queue_id`;
  const { rows } = await withRetryOn(['40P01', '23505'], () => statement.execute(db), attemptsFor(db));
  return rows;
}
