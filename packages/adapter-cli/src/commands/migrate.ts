import { join } from 'node:path';
import type { Command } from 'commander';
import { createDatabase, migrate, type MigrateResult } from '@tsh/tds-core';
import { explainDatabaseFailure, formatAdoption } from '@tsh/tds-core/internal';
import type { CliContext } from '../runtime/context';
import { globalsOf } from '../runtime/globals';
import { printResult } from '../runtime/output';
import { startSession } from '../runtime/session';

interface MigrateFlags {
  json?: boolean;
  dryRun?: boolean;
  /** commander's negation of --no-alter-columns (true unless the flag is given). */
  alterColumns?: boolean;
}

/** The run (or, with --dry-run, the plan) for people: seed adoption first (docs/seed-schema.md), then the migrations. */
export function formatMigrateResult(result: MigrateResult & { database: string; dryRun: boolean }): string {
  const lines: string[] = [];
  if (result.adoption) {
    const { tables, applied, refused, notes } = result.adoption;
    const heading = result.dryRun ? 'Would adopt the existing TSH ERP tables' : 'Adopted the existing TSH ERP tables';
    lines.push(...formatAdoption({ tables, steps: applied, refused, notes }, heading), '');
  }
  if (result.dryRun) {
    lines.push(
      result.pending.length === 0 ? `Schema already up to date on ${result.database}.` : `Would apply ${result.pending.length} migration${result.pending.length === 1 ? '' : 's'} on ${result.database}: ${result.pending.join(', ')}`,
      'Dry run: nothing was changed.',
    );
  } else {
    lines.push(
      result.applied.length === 0
        ? `Schema already up to date on ${result.database}.`
        : `Applied ${result.applied.length} migration${result.applied.length === 1 ? '' : 's'} on ${result.database}: ${result.applied.join(', ')}`,
    );
  }
  return lines.join('\n');
}

export function registerMigrate(program: Command, ctx: CliContext): void {
  program
    .command('migrate')
    .description('create or update the TDS tables, adopting the TSH ERP seed tables where they exist (idempotent; safe when several processes run it at once)')
    .option('--json', 'print the result as one JSON document')
    .option('--dry-run', 'print what would change (the SQL and why) and change nothing')
    .option('--no-alter-columns', 'when adopting existing tables, do not widen or relax their columns: print what will fail instead')
    .action(async (options: MigrateFlags, command: Command) => {
      const session = startSession(ctx, { globals: globalsOf(command) });
      try {
        const { config, logger } = session;
        // A server that does not answer is named by its address (never its password), as every other command does.
        const database = await createDatabase({ url: config.DATABASE_URL, dataDir: join(config.TDS_DATA_DIR, 'pg'), logger, schema: config.TDS_SCHEMA }).catch((error: unknown) => {
          throw explainDatabaseFailure(error, config.DATABASE_URL);
        });
        try {
          const dryRun = options.dryRun === true;
          // The pool connects on its first statement: that is where a server that does not answer shows.
          const result = await migrate(database.db, { dryRun, alterColumns: options.alterColumns !== false }).catch((error: unknown) => {
            throw explainDatabaseFailure(error, config.DATABASE_URL);
          });
          const where = database.embedded ? `embedded PostgreSQL (data in ${database.embedded.dataDir})` : 'DATABASE_URL';
          printResult(ctx.io, options.json, { ...result, dryRun, database: where }, formatMigrateResult);
        } finally {
          await database.close();
        }
      } finally {
        session.shutdown.dispose();
      }
    });
}
