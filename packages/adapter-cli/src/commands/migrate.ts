import { join } from 'node:path';
import type { Command } from 'commander';
import { createDatabase, migrate } from '@tsh/tds-core';
import type { CliContext } from '../runtime/context';
import { globalsOf } from '../runtime/globals';
import { printResult } from '../runtime/output';
import { startSession } from '../runtime/session';

export function registerMigrate(program: Command, ctx: CliContext): void {
  program
    .command('migrate')
    .description('create or update the TDS tables (idempotent; safe when several processes run it at once)')
    .option('--json', 'print the result as one JSON document')
    .action(async (options: { json?: boolean }, command: Command) => {
      const session = startSession(ctx, { globals: globalsOf(command) });
      try {
        const { config, logger } = session;
        const database = await createDatabase({ url: config.DATABASE_URL, dataDir: join(config.TDS_DATA_DIR, 'pg'), logger });
        try {
          const { applied } = await migrate(database.db);
          const where = database.embedded ? `embedded PostgreSQL (data in ${database.embedded.dataDir})` : 'DATABASE_URL';
          printResult(ctx.io, options.json, { applied, database: where }, (r) =>
            r.applied.length === 0
              ? `Schema already up to date on ${r.database}.`
              : `Applied ${r.applied.length} migration${r.applied.length === 1 ? '' : 's'} on ${r.database}: ${r.applied.join(', ')}`,
          );
        } finally {
          await database.close();
        }
      } finally {
        session.shutdown.dispose();
      }
    });
}
