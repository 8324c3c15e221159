import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { errorText } from '../queue/error-text';
import type { SyncMode, SyncStatus } from './types';

export async function readCursor(db: Kysely<Database>, entity: string, organizationId: string): Promise<Date | null> {
  const row = await db.selectFrom('tds_sync_state').select('cursor').where('entity', '=', entity).where('organization_id', '=', organizationId).executeTakeFirst();
  return row?.cursor ?? null;
}

/**
 * Moves the cursor forward to `to` (a Zoho timestamp): every change up to it is applied. It never
 * moves back, so a full pass over old records cannot undo an incremental run's progress.
 */
export async function advanceCursor(db: Kysely<Database>, entity: string, organizationId: string, to: string | Date): Promise<void> {
  const at = to instanceof Date ? to.toISOString() : to;
  await sql`
INSERT INTO tds_sync_state AS s (entity, organization_id, cursor, updated_at)
VALUES (${entity}, ${organizationId}, ${at}::timestamptz, now())
ON CONFLICT (entity, organization_id) DO UPDATE SET
  cursor = greatest(s.cursor, excluded.cursor),
  updated_at = now()`.execute(db);
}

/** Records how the run ended: the last full or incremental time on success, the status and error always. */
export async function recordRunOutcome(db: Kysely<Database>, entity: string, organizationId: string, mode: SyncMode, status: SyncStatus, error: unknown): Promise<void> {
  const succeeded = status === 'succeeded';
  const full = succeeded && mode === 'full';
  const incremental = succeeded && mode === 'incremental';
  await sql`
INSERT INTO tds_sync_state AS s (entity, organization_id, last_full_sync_at, last_incremental_sync_at, last_run_status, last_error, updated_at)
VALUES (${entity}, ${organizationId}, ${full ? sql`now()` : null}, ${incremental ? sql`now()` : null}, ${status}, ${error === null ? null : errorText(error)}, now())
ON CONFLICT (entity, organization_id) DO UPDATE SET
  last_full_sync_at = coalesce(excluded.last_full_sync_at, s.last_full_sync_at),
  last_incremental_sync_at = coalesce(excluded.last_incremental_sync_at, s.last_incremental_sync_at),
  last_run_status = excluded.last_run_status,
  last_error = excluded.last_error,
  updated_at = now()`.execute(db);
}

/** When the last successful run of an entity started (our clock), or null. */
export async function lastSucceededRunStart(db: Kysely<Database>, entity: string, organizationId: string): Promise<Date | null> {
  const row = await db
    .selectFrom('tds_sync_runs')
    .select((eb) => eb.fn.max('started_at').as('started_at'))
    .where('entity', '=', entity)
    .where('organization_id', '=', organizationId)
    .where('status', '=', 'succeeded')
    .executeTakeFirst();
  return (row?.started_at as Date | null | undefined) ?? null;
}
