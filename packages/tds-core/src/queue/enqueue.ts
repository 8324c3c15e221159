import { sql } from 'kysely';
import { attemptsFor, withRetryOn } from './retry-on';
import { seedOperationOf } from './seed-operation';
import { wellFormedText } from './well-formed-text';
import { normalizeEnqueueInputs, type NormalizedEnqueue } from './validate';
import type { EnqueueInput, EnqueueOutcome, EnqueueResult, QueueDb } from './types';

/**
 * The batch as one JSON document: each payload is already JSON text (validate.ts) and goes in as it
 * is, so nothing is serialised twice or escaped into an array literal, and the server parses one
 * value instead of nine arrays of a thousand elements (docs/queue-speed.md).
 */
// A lone UTF-16 surrogate is written as U+FFFD, as a text parameter's UTF-8 encoding writes it
// (JSON would carry it as an escape that jsonb refuses).
const jsonText = (value: string) => JSON.stringify(wellFormedText(value));

function inputDocument(rows: readonly NormalizedEnqueue[]): string {
  const parts = rows.map(
    (r) =>
      `{"entity_type":${JSON.stringify(r.entity_type)},"zoho_id":${jsonText(r.zoho_id)},"operation":${JSON.stringify(r.operation)},` +
      `"payload":${r.payload ?? 'null'},"zoho_last_modified_time":${JSON.stringify(r.zoho_last_modified_time)},"source":${JSON.stringify(r.source)},` +
      `"priority":${r.priority},"run_after":${JSON.stringify(r.run_after)},"max_retries":${r.max_retries}}`,
  );
  return `[${parts.join(',')}]`;
}

/**
 * One statement per batch. Per record (entity_type, zoho_id) at most one item is pending; a new
 * event replaces it only when it is not older: versions order by (zoho_last_modified_time, with
 * "unknown" as newest; then delete above upsert), and equals go to the later event. So an older
 * event never replaces a newer one, and a delete beats an upsert of the same or an older version.
 * Duplicates inside the batch are settled the same way before they reach the table.
 * The AFTER INSERT trigger sends NOTIFY tds_queue.
 */
const ENQUEUE = (rows: NormalizedEnqueue[]) => sql<{ ord: string; id: string | null; outcome: EnqueueOutcome }>`
WITH input AS (
  SELECT *
  FROM ROWS FROM (
    jsonb_to_recordset(${inputDocument(rows)}::jsonb) AS (
      entity_type text, zoho_id text, operation text, payload jsonb, zoho_last_modified_time timestamptz,
      source text, priority int, run_after timestamptz, max_retries int)
  ) WITH ORDINALITY AS i(entity_type, zoho_id, operation, payload, zoho_last_modified_time, source, priority, run_after, max_retries, ord)
),
winners AS (
  SELECT DISTINCT ON (entity_type, zoho_id) *
  FROM input
  ORDER BY entity_type, zoho_id, coalesce(zoho_last_modified_time, 'infinity') DESC, (operation = 'delete') DESC, ord DESC
),
upserted AS (
  INSERT INTO tds_sync_queue AS q
    (entity_type, zoho_id, operation, payload, zoho_last_modified_time, source, priority, run_after, max_retries, seed_operation)
  SELECT entity_type, zoho_id, operation, payload, zoho_last_modified_time, source, priority, coalesce(run_after, now()), max_retries,
    ${seedOperationOf(sql.ref('winners.operation'), sql.ref('winners.entity_type'), sql.ref('winners.zoho_id'))}
  FROM winners
  ORDER BY entity_type, zoho_id
  ON CONFLICT (entity_type, zoho_id) WHERE status = 'pending' DO UPDATE SET
    operation = excluded.operation,
    payload = excluded.payload,
    zoho_last_modified_time = excluded.zoho_last_modified_time,
    source = excluded.source,
    priority = greatest(q.priority, excluded.priority),
    run_after = least(q.run_after, excluded.run_after),
    updated_at = now()
  WHERE (coalesce(excluded.zoho_last_modified_time, 'infinity'), excluded.operation = 'delete')
     >= (coalesce(q.zoho_last_modified_time, 'infinity'), q.operation = 'delete')
  RETURNING q.id, q.entity_type, q.zoho_id, (q.xmax = 0) AS inserted
)
SELECT
  i.ord::text AS ord,
  -- The pending holder is looked up only for an event that was not written (coalesce stops at the
  -- first non-null argument): a probe per ignored event, not per event.
  coalesce(u.id, (SELECT p.id FROM tds_sync_queue p WHERE p.status = 'pending' AND p.entity_type = i.entity_type AND p.zoho_id = i.zoho_id))::text AS id,
  CASE WHEN w.ord IS NULL OR u.id IS NULL THEN 'ignored' WHEN u.inserted THEN 'inserted' ELSE 'replaced' END AS outcome
FROM input i
LEFT JOIN winners w ON w.ord = i.ord
LEFT JOIN upserted u ON u.entity_type = i.entity_type AND u.zoho_id = i.zoho_id
ORDER BY i.ord`;

const FIND_HOLDER = (keys: { entity_type: string; zoho_id: string }[]) => sql<{ entity_type: string; zoho_id: string; id: string }>`
SELECT k.entity_type, k.zoho_id, h.id::text AS id
FROM unnest(${keys.map((k) => k.entity_type)}::text[], ${keys.map((k) => k.zoho_id)}::text[]) AS k(entity_type, zoho_id)
JOIN LATERAL (
  SELECT q.id FROM tds_sync_queue q
  WHERE q.entity_type = k.entity_type AND q.zoho_id = k.zoho_id AND q.status IN ('pending', 'processing')
  ORDER BY (q.status = 'pending') DESC, q.id DESC
  LIMIT 1
) h ON true`;

/** Enqueues a batch in one statement (see ENQUEUE); results are in input order. */
export async function enqueueMany(db: QueueDb, events: readonly EnqueueInput[]): Promise<EnqueueResult[]> {
  return enqueueNormalized(db, normalizeEnqueueInputs(events));
}

/** enqueueMany for rows its caller already checked with normalizeEnqueueInputs (the webhook intake: each payload serialised once). */
export async function enqueueNormalized(db: QueueDb, rows: NormalizedEnqueue[]): Promise<EnqueueResult[]> {
  if (rows.length === 0) return [];
  // Two batches touching the same records in one instant can deadlock or race on the unique index; retried.
  const { rows: results } = await withRetryOn(['40P01', '23505'], () => ENQUEUE(rows).execute(db), attemptsFor(db));
  // An "ignored" event whose newer rival was committed by another transaction during this
  // statement is not visible to its snapshot: look the holder (pending, or already claimed) up again.
  const missing = results.filter((r) => r.id === null).map((r) => rows[Number(r.ord) - 1]);
  if (missing.length > 0) {
    const found = await FIND_HOLDER(missing).execute(db);
    const byKey = new Map(found.rows.map((r) => [`${r.entity_type}\u0000${r.zoho_id}`, r.id]));
    for (const result of results) {
      if (result.id === null) {
        const row = rows[Number(result.ord) - 1];
        result.id = byKey.get(`${row.entity_type}\u0000${row.zoho_id}`) ?? null;
      }
    }
  }
  return results.map((r) => ({ id: r.id ?? '', outcome: r.outcome }));
}

/** Enqueues one event; see enqueueMany. */
export async function enqueue(db: QueueDb, event: EnqueueInput): Promise<EnqueueResult> {
  const [result] = await enqueueMany(db, [event]);
  return result;
}
