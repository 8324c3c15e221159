import { sql, type Kysely } from 'kysely';

/**
 * A worker's queue step as one function call: complete the ids it still holds ($1, holder $2) and
 * claim up to $3 items for $2 with a lease of $4 seconds, in one statement, one round trip, one
 * commit (docs/queue-speed.md). The planner settings the claim needs (claim-plan.ts: an ordered
 * walk of the claim index, never a bitmap of the whole backlog and a sort) are the function's own
 * SET clauses, so they need no transaction of their own around the call.
 *
 * Claims: first items whose holder's lease ran out (a crashed or hung worker; the lost attempt
 * counts as a retry), then due pending items by priority and age. A pending item is skipped while
 * another item of the same record is being processed, so one record never has two holders. Items
 * whose lease ran out on their last allowed attempt are left to reapExpiredLeases.
 * Returns the claimed rows, then one row per completed id with only id and status ('completed') set.
 * The body uses $n, not parameter names, so that it can also be prepared and explained as it is.
 */
export const QUEUE_STEP_BODY = `
WITH done AS (
  UPDATE tds_sync_queue
  SET status = 'completed', completed_at = now(), updated_at = now(), locked_until = NULL
  WHERE id = ANY($1) AND status = 'processing' AND locked_by = $2
  RETURNING id
),
expired AS (
  SELECT id
  FROM tds_sync_queue
  WHERE status = 'processing' AND locked_until < now() AND retry_count + 1 < max_retries AND locked_by <> $2
  ORDER BY locked_until
  LIMIT $3
  FOR UPDATE SKIP LOCKED
),
ready AS (
  SELECT q.id
  FROM tds_sync_queue q
  WHERE q.status = 'pending' AND q.run_after <= now()
    -- OFFSET 0 keeps this a per-candidate probe of tds_sync_queue_processing_key; as an anti-join the
    -- planner would compare every candidate with every processing row.
    AND NOT EXISTS (
      SELECT 1 FROM tds_sync_queue p
      WHERE p.status = 'processing' AND p.entity_type = q.entity_type AND p.zoho_id = q.zoho_id
      OFFSET 0
    )
  ORDER BY q.priority DESC, q.run_after, q.id
  LIMIT $3
  FOR UPDATE SKIP LOCKED
),
picked AS (
  SELECT id, true AS reclaimed FROM expired
  UNION ALL
  SELECT id, false AS reclaimed FROM ready
  LIMIT $3
),
claimed AS (
  UPDATE tds_sync_queue q SET
    status = 'processing',
    retry_count = q.retry_count + picked.reclaimed::int,
    last_error = CASE WHEN picked.reclaimed THEN 'lease expired while held by ' || q.locked_by ELSE q.last_error END,
    locked_by = $2,
    locked_at = now(),
    locked_until = now() + $4 * interval '1 second',
    updated_at = now()
  FROM picked
  WHERE q.id = picked.id
  RETURNING q.*
)
SELECT * FROM claimed
UNION ALL
SELECT r.* FROM done d, LATERAL jsonb_populate_record(NULL::tds_sync_queue, jsonb_build_object('id', d.id, 'status', 'completed')) r`;

/** The planner settings of the step (claim-plan.ts explains each). */
export const QUEUE_STEP_SETTINGS = { enable_bitmapscan: 'off', enable_sort: 'off', jit: 'off' } as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const settings = Object.entries(QUEUE_STEP_SETTINGS).map(([name, value]) => `SET ${name} = ${value}`).join(' ');
  await sql`
    CREATE OR REPLACE FUNCTION tds_queue_step(bigint[], text, integer, float8) RETURNS SETOF tds_sync_queue
    LANGUAGE sql VOLATILE ${sql.raw(settings)}
    AS $tds_queue_step$${sql.raw(QUEUE_STEP_BODY)}$tds_queue_step$`.execute(db);
}
