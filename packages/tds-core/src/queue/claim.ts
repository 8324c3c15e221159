import { sql, type RawBuilder } from 'kysely';
import { executeClaim } from './claim-plan';
import { requirePositive, requireText } from './validate';
import type { QueueDb, QueueItem } from './types';

export interface ClaimOptions {
  workerId: string;
  batchSize: number;
  leaseSeconds: number;
}

/**
 * The claiming CTEs (expired, ready, picked, claimed), shared by claim and completeAndClaim.
 * Takes up to batchSize items: first items whose holder's lease ran out (a crashed or hung
 * worker; the lost attempt counts as a retry), then due pending items by priority and age. A
 * pending item is skipped while another item of the same record is being processed, so one
 * record never has two holders. Items whose lease ran out on their last allowed attempt are left
 * to reapExpiredLeases, which dead-letters them.
 */
export function claimCtes(options: ClaimOptions): RawBuilder<unknown> {
  const workerId = requireText(options.workerId, 'workerId', 200);
  const batchSize = requirePositive(options.batchSize, 'batchSize', { integer: true, max: 10_000 });
  const leaseSeconds = requirePositive(options.leaseSeconds, 'leaseSeconds', { max: 86_400 });
  return sql`
expired AS (
  SELECT id
  FROM tds_sync_queue
  WHERE status = 'processing' AND locked_until < now() AND retry_count + 1 < max_retries AND locked_by <> ${workerId}
  ORDER BY locked_until
  LIMIT ${batchSize}
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
  LIMIT ${batchSize}
  FOR UPDATE SKIP LOCKED
),
picked AS (
  SELECT id, true AS reclaimed FROM expired
  UNION ALL
  SELECT id, false AS reclaimed FROM ready
  LIMIT ${batchSize}
),
claimed AS (
  UPDATE tds_sync_queue q SET
    status = 'processing',
    retry_count = q.retry_count + picked.reclaimed::int,
    last_error = CASE WHEN picked.reclaimed THEN 'lease expired while held by ' || q.locked_by ELSE q.last_error END,
    locked_by = ${workerId},
    locked_at = now(),
    locked_until = now() + ${leaseSeconds}::float8 * interval '1 second',
    updated_at = now()
  FROM picked
  WHERE q.id = picked.id
  RETURNING q.*
)`;
}

/** The claim statement itself (exported so its plan can be inspected). */
export function claimStatement(options: ClaimOptions): RawBuilder<QueueItem> {
  return sql<QueueItem>`WITH ${claimCtes(options)} SELECT * FROM claimed ORDER BY priority DESC, run_after, id`;
}

/** Claims up to batchSize items in one statement (see claimCtes), in claiming order. */
export async function claim(db: QueueDb, options: ClaimOptions): Promise<QueueItem[]> {
  const { rows } = await executeClaim(db, claimStatement(options));
  return rows;
}
