import type { TestDatabase } from '@tsh/test-utils';

type Pool = TestDatabase['pool'];

/** What a refused webhook must not change: row counts and the id sequences of the inbox, the queue and the DLQ. */
export interface StoredRows {
  events: number;
  queue: number;
  deadLetters: number;
  lastEventId: number;
  lastQueueId: number;
}

export async function storedRows(pool: Pool): Promise<StoredRows> {
  const { rows } = await pool.query<StoredRows>(`
    SELECT (SELECT count(*)::int FROM tds_webhook_events) AS "events",
           (SELECT count(*)::int FROM tds_sync_queue) AS "queue",
           (SELECT count(*)::int FROM tds_dead_letter_queue) AS "deadLetters",
           (SELECT last_value::int FROM tds_webhook_events_id_seq) AS "lastEventId",
           (SELECT last_value::int FROM tds_sync_queue_id_seq) AS "lastQueueId"`);
  return rows[0];
}

export interface StoredDelivery {
  entity: string;
  zoho_id: string;
  event: string;
  queue_item_id: string | null;
  queued_operation: string | null;
}

/** The inbox row a 2xx named, with its queue item's operation. */
export async function storedDelivery(pool: Pool, eventId: string): Promise<StoredDelivery | undefined> {
  const { rows } = await pool.query<StoredDelivery>(
    // A running worker may already have moved the item to the dead-letter queue, which keeps its id.
    `SELECT e.entity, e.zoho_id, e.event, e.queue_item_id::text AS queue_item_id,
            coalesce(q.operation, (SELECT d.operation FROM tds_dead_letter_queue d WHERE d.original_queue_id = e.queue_item_id LIMIT 1)) AS queued_operation
       FROM tds_webhook_events e LEFT JOIN tds_sync_queue q ON q.id = e.queue_item_id
      WHERE e.id = $1::bigint`,
    [eventId],
  );
  return rows[0];
}

/** Waits until no queue item is pending or processing (the workers are idle). */
export async function queueIdle(pool: Pool, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM tds_sync_queue WHERE status IN ('pending', 'processing')`);
    if (rows[0].n === 0) return;
    if (Date.now() > deadline) throw new Error(`the queue is still busy after ${timeoutMs} ms (${rows[0].n} items)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Polls `read` until `done` holds (or the time is up: then the last value is returned for the assertion to show). */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** One row of an ERP table by its Zoho key (undefined while it is not there). */
export async function erpRow(pool: Pool, table: string, keyColumn: string, id: string): Promise<Record<string, unknown> | undefined> {
  const { rows } = await pool.query(`SELECT * FROM ${table} WHERE ${keyColumn} = $1`, [id]);
  return rows[0] as Record<string, unknown> | undefined;
}
