import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';

/**
 * The lock keys as an SQL literal that cannot carry anything else: each key's UTF-8 bytes in hex
 * (the encoding a text parameter gets, a lone surrogate becoming U+FFFD), in a text[] literal.
 */
function hexKeysLiteral(keys: readonly string[]): string {
  return `'{${keys.map((key) => Buffer.from(key, 'utf8').toString('hex')).join(',')}}'::text[]`;
}

/**
 * BEGIN and the record locks in one round trip (a simple-protocol query of two statements: it
 * takes no parameters, hence the hex literal). The locks are taken in one order (by lock key) so
 * that two batches sharing records cannot deadlock; they are the same keys, hashtextextended of
 * each key, as when they were taken with a statement of their own.
 */
function beginAndLock(keys: readonly string[]) {
  return sql.raw(`BEGIN;
SELECT pg_advisory_xact_lock(k)
FROM (SELECT DISTINCT hashtextextended(convert_from(decode(h, 'hex'), 'UTF8'), 0) AS k FROM unnest(${hexKeysLiteral(keys)}) AS h ORDER BY k) AS locks`);
}

/**
 * Runs `work` in a transaction that holds the advisory locks of `keys` from its first statement on,
 * on one pooled connection: a round trip fewer than BEGIN and a lock statement of their own, which
 * on a busy machine is a wait fewer per intake transaction (docs/intake-profile.md). Every
 * statement of `work` runs after the locks are granted, so it sees what an earlier holder
 * committed. Committed when `work` resolves, rolled back when it throws.
 */
export function inLockedTransaction<T>(db: Kysely<Database>, keys: readonly string[], work: (conn: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    try {
      await beginAndLock(keys).execute(conn);
      const result = await work(conn);
      await sql`COMMIT`.execute(conn);
      return result;
    } catch (error) {
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}
