import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { hexArrayLiteral } from './hex-literal';

/**
 * BEGIN and the record locks in one round trip (a simple-protocol query of two statements: it
 * takes no parameters, hence the keys in hex, hex-literal.ts). The locks are taken in one order (by lock key) so
 * that two batches sharing records cannot deadlock; they are the same keys, hashtextextended of
 * each key, as when they were taken with a statement of their own.
 */
function beginAndLock(keys: readonly string[]) {
  return sql.raw(`BEGIN;
SELECT pg_advisory_xact_lock(k)
FROM (SELECT DISTINCT hashtextextended(convert_from(decode(h, 'hex'), 'UTF8'), 0) AS k FROM unnest(${hexArrayLiteral(keys)}) AS h ORDER BY k) AS locks`);
}

/** What a locked transaction's work returns: its result, and the statement to send together with the COMMIT. */
export interface LockedWork<T> {
  result: T;
  /** Sent in the round trip of the COMMIT (simple protocol: no parameters, no rows read back), or null. */
  beforeCommit: string | null;
}

/**
 * Runs `work` in a transaction that holds the advisory locks of `keys` from its first statement on,
 * on one pooled connection, then sends the work's last statement and COMMIT in one round trip:
 * two round trips fewer than BEGIN, a lock statement and a COMMIT of their own, which on a busy
 * machine are two waits fewer per intake transaction (docs/intake-profile.md). Every statement of
 * `work` runs after the locks are granted, so it sees what an earlier holder committed. Resolves
 * only once COMMIT has returned; rolled back when anything throws (a failing `beforeCommit` skips
 * the COMMIT sent with it: the rest of a simple query is not run after an error).
 */
export function inLockedTransaction<T>(db: Kysely<Database>, keys: readonly string[], work: (conn: Kysely<Database>) => Promise<LockedWork<T>>): Promise<T> {
  return db.connection().execute(async (conn) => {
    try {
      await beginAndLock(keys).execute(conn);
      const { result, beforeCommit } = await work(conn);
      await sql.raw(beforeCommit === null ? 'COMMIT' : `${beforeCommit};\nCOMMIT`).execute(conn);
      return result;
    } catch (error) {
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}
