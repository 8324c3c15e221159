import { sql, type RawBuilder } from 'kysely';
import { attemptsFor, withRetryOn } from './retry-on';
import type { QueueDb } from './types';

export interface ReturnedToPending {
  id: string;
  /** requeued: the item is pending again. merged: a newer pending item of the same record absorbed it. */
  outcome: 'requeued' | 'merged';
}

/**
 * Puts processing items back to pending in one statement. `held` selects them FOR UPDATE from
 * tds_sync_queue and adds four columns: bump (count a failed attempt), error (or NULL), deferral
 * (why it is deferred without an attempt, or NULL) and delay_s (seconds until it may run again).
 * A counted attempt starts the deferral count again; a deferral adds one to it.
 *
 * While an item was processing, a newer event for the same record may have been enqueued as a
 * new pending item; the coalescing index allows only one pending item per record, so the two are
 * merged into that pending one: it keeps whichever version is newer (the rule of enqueue; the
 * pending one wins ties), the higher priority and retry count, and the later run_after.
 */
export async function returnToPending(db: QueueDb, held: RawBuilder<unknown>): Promise<ReturnedToPending[]> {
  const statement = sql<ReturnedToPending>`
WITH held AS (${held}),
sibling AS (
  SELECT s.id, h.id AS held_id,
    (coalesce(h.zoho_last_modified_time, 'infinity'), h.operation = 'delete')
      > (coalesce(s.zoho_last_modified_time, 'infinity'), s.operation = 'delete') AS held_newer
  FROM tds_sync_queue s
  JOIN held h ON s.entity_type = h.entity_type AND s.zoho_id = h.zoho_id
  WHERE s.status = 'pending'
  FOR UPDATE OF s
),
merged AS (
  UPDATE tds_sync_queue s SET
    operation = CASE WHEN x.held_newer THEN h.operation ELSE s.operation END,
    payload = CASE WHEN x.held_newer THEN h.payload ELSE s.payload END,
    zoho_last_modified_time = CASE WHEN x.held_newer THEN h.zoho_last_modified_time ELSE s.zoho_last_modified_time END,
    source = CASE WHEN x.held_newer THEN h.source ELSE s.source END,
    priority = greatest(s.priority, h.priority),
    retry_count = greatest(s.retry_count, h.retry_count + h.bump::int),
    last_error = coalesce(h.error, s.last_error),
    deferrals = greatest(s.deferrals, CASE WHEN h.bump THEN 0 ELSE h.deferrals + (h.deferral IS NOT NULL)::int END),
    last_deferral = coalesce(h.deferral, s.last_deferral),
    run_after = greatest(s.run_after, now() + h.delay_s * interval '1 second'),
    updated_at = now()
  FROM sibling x
  JOIN held h ON h.id = x.held_id
  WHERE s.id = x.id
  RETURNING x.held_id
),
absorbed AS (
  DELETE FROM tds_sync_queue q USING merged m WHERE q.id = m.held_id
  RETURNING q.id
),
requeued AS (
  UPDATE tds_sync_queue q SET
    status = 'pending',
    locked_by = NULL,
    locked_at = NULL,
    locked_until = NULL,
    retry_count = q.retry_count + h.bump::int,
    last_error = coalesce(h.error, q.last_error),
    deferrals = CASE WHEN h.bump THEN 0 ELSE q.deferrals + (h.deferral IS NOT NULL)::int END,
    last_deferral = coalesce(h.deferral, q.last_deferral),
    run_after = now() + h.delay_s * interval '1 second',
    updated_at = now()
  FROM held h
  WHERE q.id = h.id AND NOT EXISTS (SELECT 1 FROM sibling x WHERE x.held_id = h.id)
  RETURNING q.id
)
SELECT id::text AS id, 'requeued' AS outcome FROM requeued
UNION ALL
SELECT id::text AS id, 'merged' AS outcome FROM absorbed`;
  // A pending sibling committed by an enqueue after this statement's snapshot shows up as a
  // unique violation; the statement is re-run and then sees it.
  const { rows } = await withRetryOn(['23505', '40P01'], () => statement.execute(db), attemptsFor(db));
  return rows;
}
