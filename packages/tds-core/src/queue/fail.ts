import { sql } from 'kysely';
import { resolveBackoff } from './backoff';
import { errorText } from './error-text';
import { returnToPending } from './return-to-pending';
import { normalizeIds, requireText } from './validate';
import { QueueInputError, type BackoffOptions, type FailResult, type FailureInput, type QueueDb } from './types';

/** Non-retryable failures, and failures of the last allowed attempt, move to the DLQ: insert + delete in one statement. */
const DEAD_LETTER = (workerId: string, failures: FailureInput[]) => sql<{ id: string }>`
WITH input AS (
  SELECT * FROM unnest(${failures.map((f) => f.id)}::bigint[], ${failures.map((f) => f.error)}::text[], ${failures.map((f) => f.retryable)}::boolean[])
    AS i(id, error, retryable)
),
moved AS (
  DELETE FROM tds_sync_queue q
  USING input i
  WHERE q.id = i.id AND q.status = 'processing' AND q.locked_by = ${workerId}
    AND (NOT i.retryable OR q.retry_count + 1 >= q.max_retries)
  RETURNING q.id, q.entity_type, q.zoho_id, q.operation, q.payload, q.retry_count, q.priority, q.max_retries,
            q.zoho_last_modified_time, q.source, i.error
)
INSERT INTO tds_dead_letter_queue
  (original_queue_id, entity_type, zoho_id, operation, payload, error, retry_count, priority, max_retries, zoho_last_modified_time, source)
SELECT id, entity_type, zoho_id, operation, payload, error, retry_count + 1, priority, max_retries, zoho_last_modified_time, source
FROM moved
RETURNING original_queue_id::text AS id`;

/** The other failures wait base·2^retry_count seconds (± jitter) and become pending again. */
const RETRY_LATER = (workerId: string, failures: FailureInput[], backoff: Required<BackoffOptions>) => sql`
SELECT q.*, true AS bump, i.error, NULL::text AS deferral,
  least(${backoff.maxSeconds}::float8, ${backoff.baseSeconds}::float8 * power(2, q.retry_count))
    * (1 + ${backoff.jitter}::float8 * (2 * random() - 1)) AS delay_s
FROM tds_sync_queue q
JOIN unnest(${failures.map((f) => f.id)}::bigint[], ${failures.map((f) => f.error)}::text[]) AS i(id, error) ON i.id = q.id
WHERE q.status = 'processing' AND q.locked_by = ${workerId} AND q.retry_count + 1 < q.max_retries
FOR UPDATE OF q`;

/**
 * Records failed attempts of items this worker holds: retryable ones with
 * attempts left go back to pending after a backoff (retry_count + 1); the rest move to the DLQ
 * with their error. An item no longer held by this worker is left alone ('not_held').
 */
export async function failMany(
  db: QueueDb,
  workerId: string,
  failures: readonly FailureInput[],
  options: { backoff?: BackoffOptions } = {},
): Promise<FailResult[]> {
  requireText(workerId, 'workerId', 200);
  const backoff = resolveBackoff(options.backoff);
  if (!Array.isArray(failures)) throw new QueueInputError(['failures: must be an array']);
  const ids = normalizeIds(failures.map((f) => f?.id), 'failures[].id');
  const clean = failures.map((f, index) => {
    if (typeof f.retryable !== 'boolean') throw new QueueInputError([`failures[${index}].retryable: must be true or false`]);
    return { id: ids[index], error: errorText(f.error ?? 'unknown error'), retryable: f.retryable };
  });
  if (clean.length === 0) return [];
  const retryable = clean.filter((f) => f.retryable);
  // Two statements over disjoint rows (attempts left or not), each atomic and each touching only
  // rows this worker still holds, so no transaction is needed between them.
  const deadRows = await DEAD_LETTER(workerId, clean).execute(db);
  const retriedRows = retryable.length > 0 ? await returnToPending(db, RETRY_LATER(workerId, retryable, backoff)) : [];
  const dead = new Set(deadRows.rows.map((r) => r.id));
  const retried = new Set(retriedRows.map((r) => r.id));
  return clean.map(({ id }) => ({ id, outcome: dead.has(id) ? 'dead_letter' : retried.has(id) ? 'retry' : 'not_held' }));
}

/** One failed attempt; see failMany. */
export async function fail(
  db: QueueDb,
  id: string | number,
  workerId: string,
  error: unknown,
  options: { retryable: boolean; backoff?: BackoffOptions },
): Promise<FailResult> {
  const [result] = await failMany(db, workerId, [{ id: String(id), error: errorText(error), retryable: options?.retryable }], options);
  return result;
}
