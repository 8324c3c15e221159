import type { Command } from 'commander';
import { isDatabaseUnavailable, type TdsCore } from '@tsh/tds-core';
import { databaseLost } from '@tsh/tds-core/internal';
import { EXIT } from '../runtime/cli-error';
import type { CliContext } from '../runtime/context';
import { formatTree } from '../runtime/format';
import { globalsOf } from '../runtime/globals';
import { openCore } from '../runtime/open-core';
import { printResult } from '../runtime/output';
import { startSession } from '../runtime/session';

const unavailable = (error: unknown) => isDatabaseUnavailable(error) || isDatabaseUnavailable((error as { cause?: unknown } | null)?.cause);

export function registerHealth(program: Command, ctx: CliContext): void {
  program
    .command('health')
    .description('health: queue, dead letters, last sync per entity, workers, Zoho token and rate limit, alerts')
    .option('--json', 'print the result as one JSON document')
    .option('--check', 'exit 1 when the status is critical or emergency (for monitoring scripts)')
    .action(async (options: { json?: boolean; check?: boolean }, command: Command) => {
      const session = startSession(ctx, { globals: globalsOf(command) });
      const print = (health: Awaited<ReturnType<TdsCore['health']['get']>>) =>
        printResult(ctx.io, options.json, health, (h) => {
          const { status, ...rest } = h;
          return `Status: ${status.toUpperCase()}\n${formatTree(rest, '  ')}`;
        });
      try {
        let core: TdsCore;
        try {
          core = await openCore({ config: session.config, logger: session.logger });
        } catch (error) {
          if (!unavailable(error)) throw error;
          // The database being down is the health answer, in the same shape (emergency, database_unreachable), exit 1.
          const { config } = session;
          print(databaseLost({ organizationId: config.ZOHO_ORGANIZATION_ID ?? 'unconfigured', secrets: [...ctx.secrets], rateLimit: { requestsPerMinute: config.TDS_RATE_LIMIT_PER_MINUTE } }, error));
          ctx.exitCode = EXIT.failure;
          return;
        }
        try {
          const health = await core.health.get();
          print(health);
          if (options.check && (health.status === 'critical' || health.status === 'emergency')) ctx.exitCode = EXIT.failure;
        } finally {
          await core.close();
        }
      } finally {
        session.shutdown.dispose();
      }
    });
}
