import { join } from 'node:path';
import type { Command } from 'commander';
import { createDatabase, migrate } from '@tsh/tds-core';
import { bindingClaimFrom, explainDatabaseFailure, rebindOrganization } from '@tsh/tds-core/internal';
import { UsageError } from '../runtime/cli-error';
import type { CliContext } from '../runtime/context';
import { globalsOf } from '../runtime/globals';
import { printResult } from '../runtime/output';
import { startSession } from '../runtime/session';

interface RebindFlags {
  organization?: string;
  confirm?: boolean;
  json?: boolean;
}

/** The one override of the organization binding (docs/organization-binding.md). */
export function registerRebind(program: Command, ctx: CliContext): void {
  program
    .command('rebind')
    .description('move this database to another Zoho organization on purpose (writing commands refuse a database bound to another one)')
    .requiredOption('--organization <id>', 'the Zoho organization id the database now belongs to (ZOHO_ORGANIZATION_ID, when set, must be the same)')
    .option('--confirm', 'yes, really: the next full sync marks every record the new organization lacks as deleted')
    .option('--json', 'print the result as one JSON document')
    .addHelpText('after', '\nStop every TDS process on this database first. The move is recorded in the tds_binding_log table.\nExample:\n  tds rebind --organization 800123456 --confirm && tds sync all --full')
    .action(async (options: RebindFlags, command: Command) => {
      const organizationId = String(options.organization ?? '').trim();
      if (!/^\d+$/.test(organizationId)) throw new UsageError(`--organization takes the numeric Zoho organization id, not ${JSON.stringify(options.organization)}`);
      const session = startSession(ctx, { globals: globalsOf(command) });
      try {
        const { config, logger } = session;
        if (config.ZOHO_ORGANIZATION_ID && config.ZOHO_ORGANIZATION_ID !== organizationId) {
          throw new UsageError(`--organization ${organizationId} is not ZOHO_ORGANIZATION_ID (${config.ZOHO_ORGANIZATION_ID}): every writing command would refuse the database right after the move`);
        }
        if (!options.confirm) {
          throw new UsageError(
            `rebinding moves this database to Zoho organization ${organizationId}: its next full sync marks every record that organization lacks as deleted. Run it again with --confirm to do it.`,
          );
        }
        const claim = config.ZOHO_ORGANIZATION_ID
          ? bindingClaimFrom(config, 'tds rebind')
          : { organizationId, dataCenter: null, apiHost: null, claimedBy: 'tds rebind' };
        // A server that does not answer is named by its address (never its password), as every other command does.
        const database = await createDatabase({ url: config.DATABASE_URL, dataDir: join(config.TDS_DATA_DIR, 'pg'), logger, schema: config.TDS_SCHEMA }).catch((error: unknown) => {
          throw explainDatabaseFailure(error, config.DATABASE_URL);
        });
        try {
          // The pool connects on its first statement: that is where a server that does not answer shows.
          await migrate(database.db).catch((error: unknown) => {
            throw explainDatabaseFailure(error, config.DATABASE_URL);
          });
          const result = await rebindOrganization(database.db, { ...claim, reason: 'tds rebind --confirm' });
          printResult(ctx.io, options.json, result, (r) =>
            !r.changed
              ? `This database is already bound to Zoho organization ${r.to}: nothing changed.`
              : r.from === null
                ? `This database is now bound to Zoho organization ${r.to} (recorded in tds_binding_log).`
                : `This database moved from Zoho organization ${r.from} to ${r.to} (recorded in tds_binding_log).\nNext: \`tds sync all --full\` - records of ${r.from} that ${r.to} does not have are then marked deleted.`,
          );
        } finally {
          await database.close();
        }
      } finally {
        session.shutdown.dispose();
      }
    });
}
