import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { ChangeFeedInputError } from './errors';
import { cursorOf } from './read-changes';
import { sequenceChanges } from './sequence-changes';
import type { ChangeConsumerStatus, Cursor } from './types';

export function consumerNameOf(name: unknown): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9._:-]{1,100}$/.test(name)) {
    throw new ChangeFeedInputError('a change feed consumer name is 1-100 letters, digits, ".", "_", ":" or "-"');
  }
  return name;
}

/** Creates the consumer on first use, at the retention horizon (the oldest change still kept). */
export async function ensureConsumer(db: Kysely<Database>, name: string): Promise<void> {
  await sql`
INSERT INTO tds_change_consumers (name, cursor)
SELECT ${name}, purged_through FROM tds_change_feed_state
ON CONFLICT (name) DO NOTHING`.execute(db);
}

export async function readConsumerCursor(db: Kysely<Database>, name: string): Promise<string> {
  const row = await db.selectFrom('tds_change_consumers').select('cursor').where('name', '=', name).executeTakeFirst();
  if (!row) throw new ChangeFeedInputError(`no change feed consumer named "${name}"`);
  return row.cursor;
}

/** Moves the cursor from `from` to `to` after a handled batch; false when someone else moved it meanwhile. */
export async function advanceConsumer(db: Kysely<Database>, name: string, from: string, to: string, handled: number): Promise<boolean> {
  const result = await sql`
UPDATE tds_change_consumers SET cursor = ${to}::bigint, handled = handled + ${handled}, failures = 0, updated_at = now()
WHERE name = ${name} AND cursor = ${from}::bigint`.execute(db);
  return Number(result.numAffectedRows ?? 0) === 1;
}

export async function recordConsumerFailure(db: Kysely<Database>, name: string, error: string): Promise<void> {
  await sql`
UPDATE tds_change_consumers SET failures = failures + 1, last_error = ${error}, last_error_at = now(), updated_at = now()
WHERE name = ${name}`.execute(db);
}

/**
 * Puts a consumer's cursor at `to` (default: the newest change, for a consumer that has just
 * resynced from the tables), creating it if needed. A cursor below the retention horizon is refused.
 */
export async function resetConsumer(db: Kysely<Database>, name: string, to?: Cursor): Promise<string> {
  const target = to === undefined ? null : cursorOf(to);
  if (target === null) await sequenceChanges(db);
  const { rows } = await sql<{ cursor: string }>`
INSERT INTO tds_change_consumers AS c (name, cursor)
SELECT ${name}, greatest(coalesce(${target}::bigint, (SELECT coalesce(max(id), 0) FROM tds_changes)), s.purged_through)
FROM tds_change_feed_state s
ON CONFLICT (name) DO UPDATE SET cursor = excluded.cursor, failures = 0, updated_at = now()
RETURNING c.cursor::text AS cursor`.execute(db);
  return rows[0].cursor;
}

export async function listConsumers(db: Kysely<Database>): Promise<ChangeConsumerStatus[]> {
  // Lag counts committed changes not numbered yet too.
  await sequenceChanges(db);
  const { rows } = await sql<{
    name: string;
    cursor: string;
    lag: string;
    handled: string;
    failures: number;
    last_error: string | null;
    last_error_at: Date | null;
    updated_at: Date;
  }>`
SELECT c.name, c.cursor::text AS cursor, greatest((SELECT coalesce(max(id), 0) FROM tds_changes) - c.cursor, 0)::text AS lag,
       c.handled::text AS handled, c.failures, c.last_error, c.last_error_at, c.updated_at
FROM tds_change_consumers c ORDER BY c.name`.execute(db);
  return rows.map((r) => ({
    ...r,
    lag: Number(r.lag),
    last_error_at: r.last_error_at?.toISOString() ?? null,
    updated_at: r.updated_at.toISOString(),
  }));
}
