import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { enqueueMany } from '../queue/enqueue';
import type { EntityVerifyReport } from './types';

/** The ids of a report a repair re-syncs: drifted, missing and extra records. */
export function repairTargets(report: EntityVerifyReport): string[] {
  return [...new Set([...report.drifted.map((d) => d.zoho_id), ...report.missing, ...report.extra])];
}

/**
 * Queues each record for re-sync the way a webhook is queued, with source 'verify' so the fix is
 * traceable and the worker re-applies it even at an equal version (apply/repair-scope.ts). No
 * payload is carried: the worker reads Zoho's current record, which also confirms an extra record
 * is gone before it is soft-deleted.
 */
export async function queueRepairs(db: Kysely<Database>, entity: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const results = await enqueueMany(
    db,
    ids.map((zoho_id) => ({ entity_type: entity, zoho_id, operation: 'upsert' as const, source: 'verify' as const, priority: 10 })),
  );
  return results.map((r) => r.id).filter((id) => id !== '');
}

/** Waits until none of these queue items is pending or being processed (done, failed for good, or gone). */
export async function waitForQueueItems(db: Kysely<Database>, itemIds: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let delay = 50;
  for (;;) {
    const { rows } = await sql<{ n: string }>`
SELECT count(*)::text AS n FROM tds_sync_queue WHERE id = ANY(${[...itemIds]}::bigint[]) AND status IN ('pending', 'processing')`.execute(db);
    if (Number(rows[0]?.n ?? 0) === 0) return true;
    if (Date.now() >= deadline || signal?.aborted) return false;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 1000);
  }
}
