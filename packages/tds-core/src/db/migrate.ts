import { Migrator, sql, type Kysely, type MigrationResult } from 'kysely';
import { migrations } from './migrations';

/** Kysely's bookkeeping tables, prefixed so they never clash with a host application's own migrations. */
export const MIGRATION_TABLE = 'tds_kysely_migration';
export const MIGRATION_LOCK_TABLE = 'tds_kysely_migration_lock';
// Arbitrary constant advisory-lock key shared by every TDS process ('tds-migrate').
const MIGRATION_ADVISORY_LOCK = 7_467_435_392_118_271n;

export class MigrationError extends Error {
  readonly results: readonly MigrationResult[];
  constructor(message: string, results: readonly MigrationResult[], cause: unknown) {
    super(message, { cause });
    this.name = 'MigrationError';
    this.results = results;
  }
}

/**
 * Brings the schema to the latest version; a no-op when it already is. A session advisory lock
 * serialises concurrent callers (several processes starting at once): Kysely's own lock is taken
 * only after it creates its tables, and two concurrent CREATE TABLE IF NOT EXISTS can collide.
 */
export async function migrate(db: Kysely<any>): Promise<{ applied: string[] }> {
  return db.connection().execute(async (conn) => {
    // Waiting for another process's migrations, and DDL on a large table, may take longer than
    // the pool's statement_timeout: this session lifts it, and puts it back before the
    // connection returns to the pool (docs/hardening.md).
    await sql`SET statement_timeout = 0`.execute(conn);
    try {
      return await migrateLocked(conn);
    } finally {
      await sql`RESET statement_timeout`.execute(conn);
    }
  });
}

async function migrateLocked(conn: Kysely<any>): Promise<{ applied: string[] }> {
  await sql`SELECT pg_advisory_lock(${MIGRATION_ADVISORY_LOCK})`.execute(conn);
  try {
    const migrator = new Migrator({
      db: conn,
      provider: { getMigrations: async () => migrations },
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: MIGRATION_LOCK_TABLE,
    });
    const { error, results = [] } = await migrator.migrateToLatest();
    if (error) {
      const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'setup';
      throw new MigrationError(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, results, error);
    }
    return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) };
  } finally {
    await sql`SELECT pg_advisory_unlock(${MIGRATION_ADVISORY_LOCK})`.execute(conn);
  }
}
