import { sql } from 'kysely';
import type { QueueDb } from './types';

export interface QueueStats {
  pending: number;
  /** Pending and due now. */
  ready: number;
  /** Pending after at least one failed attempt. */
  retrying: number;
  /** Pending after a deferral (kept waiting on Zoho's budget, no attempt counted; docs/webhooks-and-queue.md). */
  deferred: number;
  /** The most deferrals in a row of any pending item: near the cap (20 by default), one of them is always kept waiting. */
  most_deferrals: number;
  processing: number;
  /** Processing items whose holder's lease ran out (they will be reclaimed). */
  expired_leases: number;
  completed: number;
  completed_last_24h: number;
  failed: number;
  dead_letters: number;
  dead_letters_open: number;
  oldest_pending_at: Date | null;
  by_entity: Array<{ entity_type: string; pending: number; processing: number }>;
}

/** Queue counts for health and the CLI. Each count reads a partial index, never the completed history in full. */
export async function queueStats(db: QueueDb): Promise<QueueStats> {
  const [totals, byEntity] = await Promise.all([
    sql<Record<string, string | Date | null>>`
SELECT
  (SELECT count(*) FROM tds_sync_queue WHERE status = 'pending') AS pending,
  (SELECT count(*) FROM tds_sync_queue WHERE status = 'pending' AND run_after <= now()) AS ready,
  (SELECT count(*) FROM tds_sync_queue WHERE status = 'pending' AND retry_count > 0) AS retrying,
  (SELECT count(*) FROM tds_sync_queue WHERE status = 'pending' AND deferrals > 0) AS deferred,
  (SELECT coalesce(max(deferrals), 0) FROM tds_sync_queue WHERE status = 'pending') AS most_deferrals,
  (SELECT count(*) FROM tds_sync_queue WHERE status = 'processing') AS processing,
  (SELECT count(*) FROM tds_sync_queue WHERE status = 'processing' AND locked_until < now()) AS expired_leases,
  (SELECT count(*) FROM tds_sync_queue WHERE status = 'completed') AS completed,
  (SELECT count(*) FROM tds_sync_queue WHERE status = 'completed' AND completed_at > now() - interval '24 hours') AS completed_last_24h,
  (SELECT count(*) FROM tds_sync_queue WHERE status = 'failed') AS failed,
  (SELECT count(*) FROM tds_dead_letter_queue) AS dead_letters,
  (SELECT count(*) FROM tds_dead_letter_queue WHERE resolved_at IS NULL AND retried_at IS NULL) AS dead_letters_open,
  (SELECT min(created_at) FROM tds_sync_queue WHERE status = 'pending') AS oldest_pending_at`.execute(db),
    sql<{ entity_type: string; pending: string; processing: string }>`
SELECT entity_type,
  count(*) FILTER (WHERE status = 'pending') AS pending,
  count(*) FILTER (WHERE status = 'processing') AS processing
FROM tds_sync_queue
WHERE status IN ('pending', 'processing')
GROUP BY entity_type
ORDER BY entity_type`.execute(db),
  ]);
  const row = totals.rows[0];
  const n = (key: string) => Number(row[key]);
  return {
    pending: n('pending'),
    ready: n('ready'),
    retrying: n('retrying'),
    deferred: n('deferred'),
    most_deferrals: n('most_deferrals'),
    processing: n('processing'),
    expired_leases: n('expired_leases'),
    completed: n('completed'),
    completed_last_24h: n('completed_last_24h'),
    failed: n('failed'),
    dead_letters: n('dead_letters'),
    dead_letters_open: n('dead_letters_open'),
    oldest_pending_at: (row.oldest_pending_at as Date | null) ?? null,
    by_entity: byEntity.rows.map((r) => ({ entity_type: r.entity_type, pending: Number(r.pending), processing: Number(r.processing) })),
  };
}
