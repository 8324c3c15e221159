import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';

/**
 * The database clock now, as text (microseconds kept), read just before Zoho is asked for records:
 * the `askedAt` of applyingFetchedRecord. The database's clock, not this process's, because
 * `deleted_at` is written with it by whichever process confirms a deletion (docs/deletions.md).
 */
export async function databaseNow(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ now: string }>`SELECT clock_timestamp()::text AS now`.execute(db);
  return rows[0]!.now;
}

/** Reads the database clock, then runs `fetch`: Zoho's answers are never older than `askedAt`. */
export async function fetchedAt<R>(db: Kysely<Database>, fetch: () => Promise<R>): Promise<{ askedAt: string; results: R }> {
  const askedAt = await databaseNow(db);
  return { askedAt, results: await fetch() };
}
