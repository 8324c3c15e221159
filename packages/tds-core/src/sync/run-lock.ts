import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { SyncAlreadyRunningError } from './types';

/**
 * Runs `work` on a connection of its own that holds a session advisory lock for this entity and
 * organization, so one sync of an entity runs at a time across every process. The connection is
 * also where the run keeps its temporary table; if the process dies, the lock dies with it.
 */
export async function withEntityRunLock<T>(db: Kysely<Database>, entity: string, organizationId: string, work: (conn: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    const key = `tds:sync:${organizationId}:${entity}`;
    const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(hashtextextended(${key}, 0)) AS locked`.execute(conn);
    if (!rows[0]?.locked) throw new SyncAlreadyRunningError(entity);
    try {
      return await work(conn);
    } finally {
      await sql`SELECT pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(conn).catch(() => undefined);
    }
  });
}
