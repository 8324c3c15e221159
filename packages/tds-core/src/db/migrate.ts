import { Migrator, sql, type Kysely, type MigrationResult } from 'kysely';
import { EMPTY_ADOPTION_PLAN, planAdoption, runAdoption, type AdoptionPlan, type AdoptionReport } from './adopt';
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

export interface MigrateOptions {
  /** Work out what would change (adoption steps, pending migrations) and change nothing. */
  dryRun?: boolean;
  /**
   * Adopting the TSH ERP seed's tables may widen or relax their columns (DECIMAL(10,2) → numeric, …);
   * false refuses those changes and reports what will fail instead (`tds migrate --no-alter-columns`).
   */
  alterColumns?: boolean;
  /** Called with the adoption report after the seed's tables were adopted, before the migrations run. */
  onAdoption?: (report: AdoptionReport) => void;
}

export interface MigrateResult {
  applied: string[];
  /** Migrations not yet run: after a dry run, those a real run would apply. */
  pending: string[];
  /** The adoption of the seed's tables (planned on a dry run), or null when there was nothing to adopt. */
  adoption: AdoptionReport | null;
}

/**
 * Brings the schema to the latest version; a no-op when it already is. A session advisory lock
 * serialises concurrent callers (several processes starting at once): Kysely's own lock is taken
 * only after it creates its tables, and two concurrent CREATE TABLE IF NOT EXISTS can collide.
 * Before TDS's tables are first created, existing tables of the TSH ERP seed are adopted in place
 * (docs/seed-schema.md).
 */
export async function migrate(db: Kysely<any>, options: MigrateOptions = {}): Promise<MigrateResult> {
  return db.connection().execute(async (conn) => {
    // Waiting for another process's migrations, and DDL on a large table, may take longer than
    // the pool's statement_timeout: this session lifts it, and puts it back before the
    // connection returns to the pool (docs/hardening.md).
    await sql`SET statement_timeout = 0`.execute(conn);
    try {
      return await migrateLocked(conn, options);
    } finally {
      await sql`RESET statement_timeout`.execute(conn);
    }
  });
}

/** The schema TDS's tables are created in: the first existing one of the connection's search_path. */
async function schemaOf(conn: Kysely<any>): Promise<string> {
  const { rows } = await sql<{ schema: string | null; path: string }>`SELECT current_schema() AS schema, current_setting('search_path') AS path`.execute(conn);
  const schema = rows[0]?.schema;
  if (!schema) throw new MigrationError(`no schema of the search_path (${rows[0]?.path ?? ''}) exists: create it or pass an existing one`, [], undefined);
  return schema;
}

// Adoption has to happen before migration 0002 first creates the entity tables (products among them).
const ADOPTION_BEFORE = '0002-entities';

async function migrateLocked(conn: Kysely<any>, options: MigrateOptions): Promise<MigrateResult> {
  await sql`SELECT pg_advisory_lock(${MIGRATION_ADVISORY_LOCK})`.execute(conn);
  try {
    const migrator = new Migrator({
      db: conn,
      provider: { getMigrations: async () => migrations },
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: MIGRATION_LOCK_TABLE,
      // Named explicitly: unnamed, Kysely finds its tables in any schema (another TDS's in
      // public) and then misses them in ours. The schema is the connection's (docs/embedding.md).
      migrationTableSchema: await schemaOf(conn),
    });
    const pending = (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
    const plan: AdoptionPlan = pending.includes(ADOPTION_BEFORE) ? await planAdoption(conn) : EMPTY_ADOPTION_PLAN;
    const alterColumns = options.alterColumns ?? true;
    if (options.dryRun) {
      const refused = alterColumns ? [] : plan.steps.filter((s) => s.kind === 'alter');
      const adoption = plan.tables.length === 0 ? null : { tables: plan.tables, applied: plan.steps.filter((s) => !refused.includes(s)), refused, notes: plan.notes };
      return { applied: [], pending, adoption };
    }
    let adoption: AdoptionReport | null = null;
    if (plan.tables.length > 0) {
      adoption = await runAdoption(conn, plan, { alterColumns });
      options.onAdoption?.(adoption);
    }
    const { error, results = [] } = await migrator.migrateToLatest();
    if (error) {
      const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'setup';
      throw new MigrationError(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, results, error);
    }
    const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
    return { applied, pending: pending.filter((name) => !applied.includes(name)), adoption };
  } finally {
    await sql`SELECT pg_advisory_unlock(${MIGRATION_ADVISORY_LOCK})`.execute(conn);
  }
}
