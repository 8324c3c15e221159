import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { purgeInBatches, type BatchedPurge } from './purge-in-batches';

/** How long each kind of bookkeeping row is kept, in days. */
export interface RetentionDays {
  /** Completed queue items (by completed_at). Default 7. */
  queueDays: number;
  /** Webhook inbox rows (by received_at). Default 7. */
  webhookDays: number;
  /** Heal log rows (by created_at). Default 30. */
  healLogDays: number;
  /** Resolved alerts (by resolved_at); open alerts are never purged. Default 30. */
  alertDays: number;
}

export interface PurgedCounts {
  queue_items: number;
  webhook_events: number;
  heal_log: number;
  alerts: number;
}

const cutoff = (days: number) => sql`now() - ${days}::float8 * interval '1 day'`;

/**
 * Drops bookkeeping older than its retention, table by table, in bounded batches (see
 * purgeInBatches). Each selection walks an index on the age column (the completed-items partial
 * index, received_at, created_at), so a batch reads only the rows it deletes. Pending,
 * processing and failed queue items are never touched, nor open alerts.
 */
export async function purgeExpired(db: Kysely<Database>, days: RetentionDays, batches: BatchedPurge): Promise<PurgedCounts> {
  const queue_items = await purgeInBatches(
    db,
    'tds_sync_queue',
    (limit) => sql`SELECT id FROM tds_sync_queue WHERE status = 'completed' AND completed_at < ${cutoff(days.queueDays)} ORDER BY completed_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
    batches,
  );
  const webhook_events = await purgeInBatches(
    db,
    'tds_webhook_events',
    (limit) => sql`SELECT id FROM tds_webhook_events WHERE received_at < ${cutoff(days.webhookDays)} ORDER BY received_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
    batches,
  );
  const heal_log = await purgeInBatches(
    db,
    'tds_heal_log',
    (limit) => sql`SELECT id FROM tds_heal_log WHERE created_at < ${cutoff(days.healLogDays)} ORDER BY created_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
    batches,
  );
  // An alert resolves after it was created: the created_at index narrows the walk.
  const alerts = await purgeInBatches(
    db,
    'tds_alerts',
    (limit) =>
      sql`SELECT id FROM tds_alerts WHERE created_at < ${cutoff(days.alertDays)} AND resolved_at < ${cutoff(days.alertDays)} ORDER BY created_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
    batches,
  );
  return { queue_items, webhook_events, heal_log, alerts };
}
