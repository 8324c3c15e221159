import { sql } from 'kysely';
import { errorText } from './error-text';
import { failMany } from './fail';
import { returnToPending } from './return-to-pending';
import { normalizeIds, requireText } from './validate';
import { QueueInputError, type BackoffOptions, type DeferralInput, type DeferResult, type QueueDb } from './types';

/** Deferrals in a row (no counted attempt between them) after which the next one counts as an attempt. */
export const DEFAULT_MAX_DEFERRALS = 20;

/** Longest deferral taken from a caller (a quota reset is at most a day away). */
const MAX_DEFER_SECONDS = 26 * 3600;

/**
 * Items deferred with fewer than the cap's deferrals behind them go back to pending with
 * retry_count unchanged, due after their delay: the handler never got to ask Zoho (a rate-limit
 * slot, a 429 pause, a spent daily quota), so nothing about the item was tried and nothing must
 * count against its max_retries (docs/webhooks-and-queue.md). One statement over arrays, and only
 * rows this worker still holds: a lease lost meanwhile leaves the row to its new holder.
 */
const DEFER = (workerId: string, deferrals: Array<{ id: string; reason: string; delaySeconds: number }>, maxDeferrals: number) => sql`
SELECT q.*, false AS bump, NULL::text AS error, i.reason AS deferral, i.delay_s
FROM tds_sync_queue q
JOIN unnest(${deferrals.map((d) => d.id)}::bigint[], ${deferrals.map((d) => d.reason)}::text[], ${deferrals.map((d) => d.delaySeconds)}::float8[])
  AS i(id, reason, delay_s) ON i.id = q.id
WHERE q.status = 'processing' AND q.locked_by = ${workerId} AND q.deferrals < ${maxDeferrals}
FOR UPDATE OF q`;

/**
 * Gives back items this worker holds whose handler was kept waiting on Zoho, without counting an
 * attempt. An item already deferred `maxDeferrals` times in a row is not deferred again: that
 * deferral is recorded as a failed (retryable) attempt instead, so an item that is always kept
 * waiting still reaches the dead-letter queue after max_retries · maxDeferrals deferrals rather
 * than cycling for ever. The two statements touch disjoint rows (under or at the cap).
 */
export async function deferMany(
  db: QueueDb,
  workerId: string,
  deferrals: readonly DeferralInput[],
  options: { maxDeferrals?: number; backoff?: BackoffOptions; now?: () => number } = {},
): Promise<DeferResult[]> {
  requireText(workerId, 'workerId', 200);
  if (!Array.isArray(deferrals)) throw new QueueInputError(['deferrals: must be an array']);
  const maxDeferrals = options.maxDeferrals ?? DEFAULT_MAX_DEFERRALS;
  if (!Number.isInteger(maxDeferrals) || maxDeferrals < 0) throw new QueueInputError(['maxDeferrals: must be a whole number ≥ 0']);
  const ids = normalizeIds(deferrals.map((d) => d?.id), 'deferrals[].id');
  const now = (options.now ?? Date.now)();
  const clean = deferrals.map((d, index) => {
    const seconds = d.notBefore instanceof Date && !Number.isNaN(d.notBefore.getTime()) ? (d.notBefore.getTime() - now) / 1000 : (d.delaySeconds ?? 0);
    return { id: ids[index], reason: errorText(d.reason ?? 'waiting on Zoho'), delaySeconds: Math.min(MAX_DEFER_SECONDS, Math.max(0, Number.isFinite(seconds) ? seconds : 0)) };
  });
  if (clean.length === 0) return [];
  const returned = await returnToPending(db, DEFER(workerId, clean, maxDeferrals));
  const deferred = new Map(returned.map((r) => [r.id, r.outcome === 'merged' ? ('merged' as const) : ('deferred' as const)]));
  const capped = clean.filter((d) => !deferred.has(d.id));
  const counted = capped.length === 0 ? [] : await failMany(
    db,
    workerId,
    capped.map((d) => ({ id: d.id, error: `deferred ${maxDeferrals} times in a row without an attempt; last: ${d.reason}`, retryable: true })),
    { backoff: options.backoff },
  );
  const attempts = new Map(counted.map((r) => [r.id, r.outcome]));
  return clean.map(({ id }) => ({ id, outcome: deferred.get(id) ?? attempts.get(id) ?? 'not_held' }));
}
