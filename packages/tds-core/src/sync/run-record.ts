import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { errorText } from '../queue/error-text';
import type { SyncCounts, SyncMode, SyncStatus } from './types';

/**
 * Opens a tds_sync_runs row. Runs of this entity still marked running belong to a process that
 * died (the caller holds the entity's run lock), so they are closed as interrupted first.
 */
export async function startRunRecord(db: Kysely<Database>, entity: string, organizationId: string, mode: SyncMode): Promise<{ id: string; startedAt: Date }> {
  await sql`
UPDATE tds_sync_runs SET status = 'interrupted', finished_at = now(), error = coalesce(error, 'the process running this sync stopped before it finished')
WHERE entity = ${entity} AND organization_id = ${organizationId} AND status = 'running'`.execute(db);
  const row = await db
    .insertInto('tds_sync_runs')
    .values({ entity, organization_id: organizationId, mode, status: 'running', counts: JSON.stringify({}) })
    .returning(['id', 'started_at'])
    .executeTakeFirstOrThrow();
  return { id: row.id, startedAt: row.started_at };
}

/** Saves the counts so far (after each page), so a watcher sees progress and a crash leaves them. */
export async function saveRunCounts(db: Kysely<Database>, runId: string, counts: SyncCounts): Promise<void> {
  await db.updateTable('tds_sync_runs').set({ counts: JSON.stringify(counts) }).where('id', '=', runId).execute();
}

export async function finishRunRecord(db: Kysely<Database>, runId: string, status: SyncStatus, counts: SyncCounts, error: unknown): Promise<Date> {
  const row = await db
    .updateTable('tds_sync_runs')
    .set({ status, counts: JSON.stringify(counts), error: error === null ? null : errorText(error), finished_at: sql<Date>`now()` })
    .where('id', '=', runId)
    .returning('finished_at')
    .executeTakeFirstOrThrow();
  return row.finished_at ?? new Date();
}
