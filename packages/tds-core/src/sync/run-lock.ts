import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema';
import { fencedDb } from './fenced-db';
import { RunLockLostError } from './run-lock-lost';
import { SyncAlreadyRunningError } from './types';

export interface EntityRunLock {
  /** The database for the run's writes: each transaction first checks that this run still holds the lock. */
  db: Kysely<Database>;
  /** Throws RunLockLostError when the lock's connection is gone or another run took over. */
  assertHeld(): Promise<void>;
}

/**
 * One sync of an entity at a time, across every process, without two runs ever writing at once
 * (docs/zoho-client-robustness.md, "Sync run locks").
 *
 * A session advisory lock on a connection of the run's own says who runs: it dies with the process.
 * But it can also die under a live run (the connection drops), and the next run may take it while
 * the first still has writes in flight. So taking the lock also bumps a fence in tds_sync_leases,
 * and every write transaction of the run starts by reading its row FOR SHARE and checking that
 * the fence is still its own and its lock connection still holds the lock:
 * - a write that passed the check keeps the row share-locked until it commits, and the next run's
 *   fence bump (an UPDATE of that row) waits for it: the old run's writes all commit first;
 * - a write that starts after the lock was lost, or after the bump, fails the check and writes nothing.
 */
export async function withEntityRunLock<T>(
  db: Kysely<Database>,
  entity: string,
  organizationId: string,
  work: (lock: EntityRunLock) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (conn) => {
    const key = `tds:sync:${organizationId}:${entity}`;
    const { rows } = await sql<{ locked: boolean; pid: number; lock_key: string }>`
      SELECT pg_try_advisory_lock(hashtextextended(${key}, 0)) AS locked, pg_backend_pid() AS pid, hashtextextended(${key}, 0)::text AS lock_key`.execute(conn);
    const taken = rows[0];
    if (!taken?.locked) throw new SyncAlreadyRunningError(entity);
    try {
      const { rows: fenceRows } = await sql<{ fence: string }>`
        INSERT INTO tds_sync_leases AS l (entity, organization_id, fence, lock_key, holder_pid)
        VALUES (${entity}, ${organizationId}, 1, ${taken.lock_key}::bigint, ${taken.pid})
        ON CONFLICT (entity, organization_id) DO UPDATE SET
          fence = l.fence + 1, lock_key = excluded.lock_key, holder_pid = excluded.holder_pid, acquired_at = now()
        RETURNING fence::text`.execute(conn);
      const fence = fenceRows[0]!.fence;

      const verify = async (tx: Transaction<Database>) => {
        // The fence is also left in the transaction's settings (tds.sync_run_fence), so triggers
        // and audits can tell which run wrote a row.
        const { rows: lease } = await sql<{ ours: boolean; alive: boolean }>`
          SELECT l.fence = ${fence}::bigint AS ours, set_config('tds.sync_run_fence', ${fence}, true) AS fence,
                 EXISTS (SELECT 1 FROM pg_locks k
                         WHERE k.locktype = 'advisory' AND k.granted AND k.pid = l.holder_pid AND k.objsubid = 1
                           AND ((k.classid::bigint << 32) | k.objid::bigint) = l.lock_key) AS alive
          FROM tds_sync_leases l WHERE l.entity = ${entity} AND l.organization_id = ${organizationId}
          FOR SHARE`.execute(tx);
        if (!lease[0]?.ours) throw new RunLockLostError(entity, 'a newer run of this entity took the lock over');
        if (!lease[0].alive) throw new RunLockLostError(entity, "the lock's database connection closed");
      };
      const assertHeld = async () => {
        try {
          await sql`SELECT 1`.execute(conn);
        } catch (error) {
          throw new RunLockLostError(entity, `the lock's database connection failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      };
      return await work({ db: fencedDb(db, verify), assertHeld });
    } finally {
      await sql`SELECT pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(conn).catch(() => undefined);
    }
  });
}
