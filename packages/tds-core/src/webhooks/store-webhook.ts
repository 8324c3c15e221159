import { sql, type Kysely } from 'kysely';
import type { WebhookIngestResult } from '../core/types';
import type { Database, QueueOperation } from '../db/schema';
import { enqueue } from '../queue/enqueue';
import { withRetryOn } from '../queue/retry-on';
import type { EnqueueInput } from '../queue/types';

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

/**
 * Inbox row and queue item in one transaction. Deliveries with the same hash take the same
 * advisory lock first, so two copies arriving together store one row, not two.
 */
export async function storeWebhook(db: Kysely<Database>, delivery: WebhookToStore): Promise<WebhookIngestResult> {
  return withRetryOn(RETRYABLE, () =>
    db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`tds_webhook_events:${delivery.entity}:${delivery.payloadHash}`}, 0))`.execute(trx);
      const existing = await trx
        .selectFrom('tds_webhook_events')
        .select(['id', 'queue_item_id'])
        .where('payload_hash', '=', delivery.payloadHash)
        .where('entity', '=', delivery.entity)
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      if (existing) return { status: 'duplicate', eventId: existing.id, queueItemId: existing.queue_item_id } as const;

      const queued = await enqueue(trx, delivery.queueItem);
      const inserted = await trx
        .insertInto('tds_webhook_events')
        .values({
          entity: delivery.entity,
          zoho_id: delivery.zohoId,
          method: delivery.method,
          event: delivery.operation,
          payload_hash: delivery.payloadHash,
          signature_ok: true,
          queue_item_id: queued.id || null,
          query: JSON.stringify(delivery.query),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { status: 'accepted', eventId: inserted.id, queueItemId: queued.id || null } as const;
    }),
  );
}
