import { sql, type Kysely } from 'kysely';
import type { WebhookIngestResult } from '../core/types';
import type { Database, QueueOperation } from '../db/schema';
import { enqueueMany } from '../queue/enqueue';
import { withRetryOn } from '../queue/retry-on';
import type { EnqueueInput } from '../queue/types';

/** A verified delivery, ready to be written. */
export interface WebhookToStore {
  entity: string;
  zohoId: string;
  method: string;
  operation: QueueOperation;
  payloadHash: string;
  query: Record<string, unknown>;
  queueItem: EnqueueInput;
}

// Deadlock, serialization failure, unique race; 25P02 is what enqueue's own retry meets once one
// of those has aborted the surrounding transaction: the whole transaction is re-run.
const RETRYABLE = ['40P01', '40001', '23505', '25P02'];

const recordKeyOf = (entity: string, zohoId: string | null) => `${entity}:${zohoId ?? ''}`;

/** Locks in one order (by lock key) so that two batches sharing records cannot deadlock. */
const LOCK = (keys: string[]) => sql`
SELECT pg_advisory_xact_lock(k)
FROM (SELECT DISTINCT hashtextextended(key, 0) AS k FROM unnest(${keys}::text[]) AS key ORDER BY k) AS locks`;

/**
 * Inbox rows and queue items of a batch of deliveries in one transaction (N deliveries, the same
 * five statements). Zoho sends no event id, so a delivery is a duplicate when it repeats the
 * latest delivery stored for the same record (same payload hash): a re-sent copy answers
 * `duplicate` with that copy's ids, while a record that changed and changed back (A, B, A) is
 * stored again. Deliveries lock their record first, so copies arriving together store one row.
 * Results are in input order.
 */
export async function storeWebhooks(db: Kysely<Database>, deliveries: readonly WebhookToStore[]): Promise<WebhookIngestResult[]> {
  if (deliveries.length === 0) return [];
  return withRetryOn(RETRYABLE, () =>
    db.transaction().execute(async (trx) => {
      const keys = deliveries.map((d) => recordKeyOf(d.entity, d.zohoId));
      await LOCK(keys).execute(trx);

      const { rows: stored } = await sql<{ id: string; entity: string; zoho_id: string | null; payload_hash: string | null; queue_item_id: string | null }>`
SELECT DISTINCT ON (entity, zoho_id) id, entity, zoho_id, payload_hash, queue_item_id
FROM tds_webhook_events
WHERE (entity, zoho_id) IN (SELECT * FROM unnest(${deliveries.map((d) => d.entity)}::text[], ${deliveries.map((d) => d.zohoId)}::text[]))
ORDER BY entity, zoho_id, id DESC`.execute(trx);
      const latest = new Map<string, { hash: string | null; id: string | null; queueItemId: string | null }>();
      for (const row of stored) latest.set(recordKeyOf(row.entity, row.zoho_id), { hash: row.payload_hash, id: row.id, queueItemId: row.queue_item_id });

      // Walk the batch in order: each fresh delivery becomes the latest of its record.
      const fresh: number[] = [];
      const duplicateOf = new Map<number, number | { id: string; queueItemId: string | null }>();
      const latestIndex = new Map<string, number>();
      deliveries.forEach((d, index) => {
        const key = keys[index];
        const inBatch = latestIndex.get(key);
        const previousHash = inBatch !== undefined ? deliveries[inBatch].payloadHash : latest.get(key)?.hash;
        if (previousHash === d.payloadHash) {
          duplicateOf.set(index, inBatch ?? { id: latest.get(key)!.id!, queueItemId: latest.get(key)!.queueItemId });
          return;
        }
        latestIndex.set(key, index);
        fresh.push(index);
      });
      const storedIds = new Map<number, { id: string; queueItemId: string | null }>();
      if (fresh.length > 0) {
        const queued = await enqueueMany(trx, fresh.map((index) => deliveries[index].queueItem));
        const inserted = await trx
          .insertInto('tds_webhook_events')
          .values(
            fresh.map((index, n) => {
              const d = deliveries[index];
              return {
                entity: d.entity,
                zoho_id: d.zohoId,
                method: d.method,
                event: d.operation,
                payload_hash: d.payloadHash,
                signature_ok: true,
                queue_item_id: queued[n].id || null,
                query: JSON.stringify(d.query),
              };
            }),
          )
          .returning(['id', 'queue_item_id'])
          .execute();
        inserted.forEach((row, n) => storedIds.set(fresh[n], { id: row.id, queueItemId: row.queue_item_id }));
      }

      return deliveries.map((_, index): WebhookIngestResult => {
        const original = duplicateOf.get(index);
        if (original === undefined) return { status: 'accepted', eventId: storedIds.get(index)!.id, queueItemId: storedIds.get(index)!.queueItemId };
        const copy = typeof original === 'number' ? storedIds.get(original)! : original;
        return { status: 'duplicate', eventId: copy.id, queueItemId: copy.queueItemId };
      });
    }),
  );
}
