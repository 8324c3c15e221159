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

const keyOf = (entity: string, payloadHash: string) => `${entity}:${payloadHash}`;

/** Locks in one order (by lock key) so that two batches sharing deliveries cannot deadlock. */
const LOCK = (keys: string[]) => sql`
SELECT pg_advisory_xact_lock(k)
FROM (SELECT DISTINCT hashtextextended(key, 0) AS k FROM unnest(${keys}::text[]) AS key ORDER BY k) AS locks`;

/**
 * Inbox rows and queue items of a batch of deliveries in one transaction (N deliveries, the same
 * five statements). Deliveries take an advisory lock per (entity, payload hash) before looking
 * for an earlier copy, so copies arriving together store one row: later copies, in the table or
 * earlier in the batch, answer `duplicate` with the first copy's ids. Results are in input order.
 */
export async function storeWebhooks(db: Kysely<Database>, deliveries: readonly WebhookToStore[]): Promise<WebhookIngestResult[]> {
  if (deliveries.length === 0) return [];
  return withRetryOn(RETRYABLE, () =>
    db.transaction().execute(async (trx) => {
      const keys = deliveries.map((d) => keyOf(d.entity, d.payloadHash));
      await LOCK(keys).execute(trx);

      const stored = await trx
        .selectFrom('tds_webhook_events')
        .select(['id', 'entity', 'payload_hash', 'queue_item_id'])
        .where('payload_hash', 'in', [...new Set(deliveries.map((d) => d.payloadHash))])
        .orderBy('id')
        .execute();
      const firstCopy = new Map<string, { id: string; queueItemId: string | null }>();
      for (const row of stored) {
        const key = keyOf(row.entity, row.payload_hash ?? '');
        if (!firstCopy.has(key)) firstCopy.set(key, { id: row.id, queueItemId: row.queue_item_id });
      }

      const fresh: number[] = [];
      const claimed = new Set<string>();
      deliveries.forEach((_, index) => {
        if (firstCopy.has(keys[index]) || claimed.has(keys[index])) return;
        claimed.add(keys[index]);
        fresh.push(index);
      });
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
          .returning(['id', 'entity', 'payload_hash', 'queue_item_id'])
          .execute();
        for (const row of inserted) firstCopy.set(keyOf(row.entity, row.payload_hash ?? ''), { id: row.id, queueItemId: row.queue_item_id });
      }

      const freshSet = new Set(fresh);
      return deliveries.map((_, index): WebhookIngestResult => {
        const copy = firstCopy.get(keys[index])!;
        return { status: freshSet.has(index) ? 'accepted' : 'duplicate', eventId: copy.id, queueItemId: copy.queueItemId };
      });
    }),
  );
}
