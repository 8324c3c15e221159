import { sql, type Kysely } from 'kysely';
import type { WebhookIngestResult } from './types';
import type { Database, QueueOperation } from '../db/schema';
import { enqueueNormalized } from '../queue/enqueue';
import { withRetryOn } from '../queue/retry-on';
import type { EnqueueInput } from '../queue/types';
import type { NormalizedEnqueue } from '../queue/validate';
import { isEntityType, primaryWebhookKeyOf } from '../transform/entities';
import { hexTextLiteral } from './hex-literal';
import { inLockedTransaction } from './locked-transaction';
import { storedRecordStatesOf, storedRecordStatesQuery, type StoredRecordState } from './stored-record-state';

/** A verified delivery, ready to be written. */
export interface WebhookToStore {
  entity: string;
  zohoId: string;
  method: string;
  operation: QueueOperation;
  payloadHash: string;
  query: Record<string, unknown>;
  queueItem: EnqueueInput;
  /** queueItem as checked by normalizeEnqueueInputs (its payload as JSON text): what is enqueued. */
  queueRow: NormalizedEnqueue;
}

/** How a stale delivery is marked in the inbox: its row has no queue item and this note. */
export const STALE_DELIVERY_NOTE = 'stale: a newer version of the record is already stored; not queued';

/**
 * Whether the worker will ask Zoho about this delivery: a deletion (always confirmed), a stock
 * movement or a price book (always read fresh), a copy of a soft-deleted record. Such a delivery
 * costs Zoho budget, so a replay of any earlier delivery of its record whose queue item has yet to
 * ask Zoho is a duplicate, not only a replay of the latest; once that item asked, a repeat asks
 * again after a pause (REPEATED_ASK_PAUSE_SECONDS; docs/deletions.md, "Replays").
 */
function asksZoho(d: WebhookToStore, state: StoredRecordState | undefined): boolean {
  return d.operation === 'delete' || d.entity === 'stock' || d.entity === 'pricelists' || state?.deleted === true;
}

// Deadlock, serialization failure, unique race; 25P02 is what enqueue's own retry meets once one
// of those has aborted the surrounding transaction: the whole transaction is re-run.
const RETRYABLE = ['40P01', '40001', '23505', '25P02'];

const recordKeyOf = (entity: string, zohoId: string | null) => `${entity}:${zohoId ?? ''}`;

/**
 * A delivery that asks Zoho and repeats one whose queue item already ran (or is running) is asked
 * about again, this long after that item was done: Zoho may have changed since (a deletion keeps the
 * record's text; stock or a price book can go A → B → A), while captured deliveries replayed in a
 * loop cost one request per record per pause, not one per replay (docs/deletions.md, "Replays").
 */
export const REPEATED_ASK_PAUSE_SECONDS = 60;

/**
 * The three things the intake decides by, read in one statement (one round trip): the latest
 * inbox row of each record (stale ones aside), the latest earlier copy of each delivery (same
 * record, same payload hash), and the stored state of each record (stored-record-state.ts).
 */
function intakeReads(deliveries: readonly WebhookToStore[]) {
  // Whether the delivery's queue item (q) is still pending, so has not asked Zoho yet; and when a
  // repeat of it may ask again (REPEATED_ASK_PAUSE_SECONDS after that item was done).
  const askState = sql`q.status IS NOT DISTINCT FROM 'pending' AS pending,
      coalesce(q.completed_at, now()) + make_interval(secs => ${REPEATED_ASK_PAUSE_SECONDS}) AS repeat_at`;
  const entities = deliveries.map((d) => d.entity);
  const ids = deliveries.map((d) => d.zohoId);
  const states =
    storedRecordStatesQuery(
      // A stock movement's id names no stored row (Zoho ids are unique across record kinds), so it is never stale.
      deliveries.map((d) => ({ recordKey: isEntityType(d.entity) ? primaryWebhookKeyOf[d.entity] : undefined, zohoId: d.zohoId, version: d.queueRow.zoho_last_modified_time })),
    ) ?? sql`SELECT NULL::int AS ord, NULL::boolean AS stale, NULL::boolean AS deleted WHERE false`;
  return sql<{ latest: InboxRow[]; earlier: InboxRow[]; states: Array<{ ord: number; stale: boolean; deleted: boolean }>; ids: string[] }>`
SELECT
  (SELECT coalesce(json_agg(l), '[]') FROM (
    SELECT DISTINCT ON (w.entity, w.zoho_id) w.id::text AS id, w.entity, w.zoho_id, w.payload_hash, w.queue_item_id::text AS queue_item_id, ${askState}
    FROM tds_webhook_events w LEFT JOIN tds_sync_queue q ON q.id = w.queue_item_id
    WHERE (w.entity, w.zoho_id) IN (SELECT * FROM unnest(${entities}::text[], ${ids}::text[]))
      AND w.error IS DISTINCT FROM ${STALE_DELIVERY_NOTE}
    ORDER BY w.entity, w.zoho_id, w.id DESC) l) AS latest,
  (SELECT coalesce(json_agg(e), '[]') FROM (
    SELECT DISTINCT ON (w.entity, w.zoho_id, w.payload_hash) w.id::text AS id, w.entity, w.zoho_id, w.payload_hash, w.queue_item_id::text AS queue_item_id, ${askState}
    FROM tds_webhook_events w LEFT JOIN tds_sync_queue q ON q.id = w.queue_item_id
    WHERE (w.entity, w.zoho_id, w.payload_hash) IN (SELECT * FROM unnest(${entities}::text[], ${ids}::text[], ${deliveries.map((d) => d.payloadHash)}::text[]))
    ORDER BY w.entity, w.zoho_id, w.payload_hash, w.id DESC) e) AS earlier,
  (SELECT coalesce(json_agg(s), '[]') FROM (${states}) s) AS states,
  -- The inbox ids of the rows this batch may write, drawn now so that the insert needs no RETURNING
  -- and can go in the round trip of the COMMIT (inboxInsert). None for a delivery that is surely a
  -- duplicate (the first of its record in the batch, repeating the latest row stored), so that a
  -- replayed delivery leaves the id sequence as it was.
  -- The first of each record in the batch by a window, not a scan of the batch per delivery
  -- (quadratic: 6 of the 9 ms of this statement at 200 deliveries).
  ARRAY(
    SELECT nextval('tds_webhook_events_id_seq')::text
    FROM (
      SELECT u.*, u.ord = min(u.ord) OVER (PARTITION BY u.entity, u.zoho_id) AS first_of_record
      FROM unnest(${entities}::text[], ${ids}::text[], ${deliveries.map((d) => d.payloadHash)}::text[]) WITH ORDINALITY AS u(entity, zoho_id, payload_hash, ord)
    ) d
    WHERE NOT (
      d.first_of_record
      AND d.payload_hash IS NOT DISTINCT FROM (
        SELECT w.payload_hash FROM tds_webhook_events w
        WHERE w.entity = d.entity AND w.zoho_id = d.zoho_id AND w.error IS DISTINCT FROM ${STALE_DELIVERY_NOTE}
        ORDER BY w.id DESC LIMIT 1))) AS ids`;
}


/**
 * The inbox rows as one statement without parameters (hex-literal.ts), to be sent with the COMMIT
 * (locked-transaction.ts): ids drawn by the reads, queue ids from the enqueue.
 */
function inboxInsert(rows: ReadonlyArray<{ delivery: WebhookToStore; stale: boolean; id: string; queueItemId: string | null }>): string {
  const document = JSON.stringify(
    rows.map(({ delivery: d, stale, id, queueItemId }) => ({
      id,
      entity: d.entity,
      zoho_id: d.zohoId, // well formed (webhookToStore)
      method: d.method,
      event: d.operation,
      payload_hash: d.payloadHash,
      queue_item_id: queueItemId,
      query: d.query,
      error: stale ? STALE_DELIVERY_NOTE : null,
    })),
  );
  return `INSERT INTO tds_webhook_events (id, entity, zoho_id, method, event, payload_hash, signature_ok, queue_item_id, query, error)
SELECT id, entity, zoho_id, method, event, payload_hash, true, queue_item_id, query, error
FROM jsonb_to_recordset(${hexTextLiteral(document)}::jsonb)
  AS r(id bigint, entity text, zoho_id text, method text, event text, payload_hash text, queue_item_id bigint, query jsonb, error text)`;
}

const moreInboxIds = (count: number) => sql<{ id: string }>`SELECT nextval('tds_webhook_events_id_seq')::text AS id FROM generate_series(1, ${count}::int)`;

interface InboxRow {
  id: string;
  entity: string;
  zoho_id: string | null;
  payload_hash: string | null;
  queue_item_id: string | null;
  /** Its queue item is still pending: it has not asked Zoho yet. */
  pending: boolean;
  /** When a repeat of it may ask Zoho again (ISO time). */
  repeat_at: string;
}

/** An earlier delivery a new one may repeat: its ids, and whether its queue item has yet to ask Zoho. */
interface EarlierDelivery {
  id: string;
  queueItemId: string | null;
  pending: boolean;
  repeatAt: string;
}

/**
 * Inbox rows and queue items of a batch of deliveries in one transaction (N deliveries, a fixed
 * handful of round trips: BEGIN with the record locks, the reads, the enqueue, the inbox insert
 * with the COMMIT). Zoho sends no event id, so a delivery is a duplicate when it repeats the
 * latest delivery queued for the same record (same payload hash): a re-sent copy answers
 * `duplicate` with that copy's ids, while a record that changed and changed back (A, B, A) is
 * stored again. A delivery that would make the worker ask Zoho (see asksZoho) is a duplicate of
 * any earlier copy whose queue item is still pending, and of no other: Zoho may have changed since
 * that item asked, so the repeat asks again, REPEATED_ASK_PAUSE_SECONDS after it. A delivery older than the version stored in the entity
 * table is `stale`: logged in the inbox (STALE_DELIVERY_NOTE), acknowledged, never queued.
 * Deliveries lock their record first, so deliveries of one record arriving together decide one
 * after the other. Results are in input order.
 */
export async function storeWebhooks(db: Kysely<Database>, deliveries: readonly WebhookToStore[]): Promise<WebhookIngestResult[]> {
  if (deliveries.length === 0) return [];
  const keys = deliveries.map((d) => recordKeyOf(d.entity, d.zohoId));
  return withRetryOn(RETRYABLE, () =>
    inLockedTransaction(db, keys, async (trx) => {
      const {
        rows: [read],
      } = await intakeReads(deliveries).execute(trx);
      const earlierOf = (row: InboxRow): EarlierDelivery => ({ id: row.id, queueItemId: row.queue_item_id, pending: row.pending, repeatAt: row.repeat_at });
      const latest = new Map<string, { hash: string | null } & EarlierDelivery>();
      for (const row of read!.latest) latest.set(recordKeyOf(row.entity, row.zoho_id), { hash: row.payload_hash, ...earlierOf(row) });

      const seenBefore = new Map<string, number | EarlierDelivery>();
      for (const row of read!.earlier) seenBefore.set(`${recordKeyOf(row.entity, row.zoho_id)}\n${row.payload_hash}`, earlierOf(row));

      const states = storedRecordStatesOf(deliveries.length, read!.states);

      // Walk the batch in order: each queued delivery becomes the latest of its record. An earlier
      // delivery of this batch is queued by it, so is pending too.
      const fresh: number[] = [];
      const stale: number[] = [];
      const duplicateOf = new Map<number, number | EarlierDelivery>();
      const askAgainAt = new Map<number, string>();
      const latestIndex = new Map<string, number>();
      deliveries.forEach((d, index) => {
        const key = keys[index];
        const copyKey = `${key}\n${d.payloadHash}`;
        const state = states[index];
        const asks = asksZoho(d, state);
        // A repeat that asks Zoho is a duplicate only while the delivery it repeats has yet to ask:
        // once that one was answered, Zoho may have changed (REPEATED_ASK_PAUSE_SECONDS).
        const answersIt = (earlier: number | EarlierDelivery) => !asks || typeof earlier === 'number' || earlier.pending;
        const inBatch = latestIndex.get(key);
        const previous = inBatch ?? latest.get(key);
        const previousHash = inBatch !== undefined ? deliveries[inBatch].payloadHash : latest.get(key)?.hash;
        if (previous !== undefined && previousHash === d.payloadHash && answersIt(previous)) {
          duplicateOf.set(index, previous);
          return;
        }
        const earlierCopy = seenBefore.get(copyKey);
        if (earlierCopy !== undefined && (state?.stale || asks)) {
          if (state?.stale || answersIt(earlierCopy)) {
            duplicateOf.set(index, earlierCopy);
            return;
          }
          askAgainAt.set(index, (earlierCopy as EarlierDelivery).repeatAt);
        }
        seenBefore.set(copyKey, index);
        if (state?.stale) {
          stale.push(index);
          return;
        }
        latestIndex.set(key, index);
        fresh.push(index);
      });
      const queueRowOf = (index: number) => {
        const at = askAgainAt.get(index);
        return at === undefined ? deliveries[index].queueRow : { ...deliveries[index].queueRow, run_after: at };
      };
      const queued = fresh.length > 0 ? await enqueueNormalized(trx, fresh.map(queueRowOf)) : [];
      const logged = [...fresh.map((index, n) => ({ index, queueItemId: queued[n].id || null })), ...stale.map((index) => ({ index, queueItemId: null }))];
      // The ids drawn by the reads, in ascending order: the rows of a record are still numbered in the order they were decided.
      const drawn = [...read!.ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
      // The reads only guess which deliveries need a row; the walk above decides. Should the guess
      // fall short, the missing ids are drawn now (larger, so the order of decision still holds)
      // rather than failing a delivery that must be stored.
      if (drawn.length < logged.length) drawn.push(...(await moreInboxIds(logged.length - drawn.length).execute(trx)).rows.map((r) => r.id));
      const storedIds = new Map<number, { id: string; queueItemId: string | null }>();
      logged.forEach(({ index, queueItemId }, n) => storedIds.set(index, { id: drawn[n]!, queueItemId }));

      const staleSet = new Set(stale);
      const results = deliveries.map((_, index): WebhookIngestResult => {
        const original = duplicateOf.get(index);
        if (original === undefined) return { status: staleSet.has(index) ? 'stale' : 'accepted', eventId: storedIds.get(index)!.id, queueItemId: storedIds.get(index)!.queueItemId };
        const copy = typeof original === 'number' ? storedIds.get(original)! : original;
        return { status: 'duplicate', eventId: copy.id, queueItemId: copy.queueItemId };
      });
      return { result: results, beforeCommit: logged.length > 0 ? inboxInsert(logged.map(({ index }) => ({ delivery: deliveries[index], stale: staleSet.has(index), ...storedIds.get(index)! }))) : null };
    }),
  );
}
