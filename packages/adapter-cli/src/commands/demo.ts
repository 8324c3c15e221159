import type { Command } from 'commander';
import { runDemo } from '../demo/run-demo';
import { EXIT } from '../runtime/cli-error';
import type { CliContext } from '../runtime/context';
import { createCliLogger } from '../runtime/logger';
import { parseWholeNumber } from '../runtime/parse';
import { installShutdown } from '../runtime/shutdown';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const validLogLevel = (level: string | undefined) => (level && LEVELS.includes(level) ? level : undefined);

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('the whole product end to end on the Zoho sandbox and an embedded PostgreSQL (no configuration needed; under 2 minutes)')
    .option('--items <n>', 'catalogue size', parseWholeNumber(1, 20_000), 300)
    .option('--webhooks <n>', 'records changed and announced by signed webhooks', parseWholeNumber(1, 5_000), 40)
    .addHelpText('after', '\nIt ignores .env and your Zoho settings. Data goes to ./.tds/demo (emptied first), or to DATABASE_URL when that is set in the environment.')
    .action(async (options: { items: number; webhooks: number }) => {
      const shutdown = installShutdown(ctx.io);
      shutdown.signal.addEventListener('abort', () => (ctx.interrupted = true), { once: true });
      try {
        const summary = await runDemo({
          io: ctx.io,
          cwd: ctx.cwd,
          env: { DATABASE_URL: ctx.processEnv.DATABASE_URL },
          // The story is told on stdout (refused webhooks included): only errors are logged unless asked.
          logger: createCliLogger({}, { level: validLogLevel(ctx.processEnv.TDS_LOG_LEVEL) ?? 'error' }),
          signal: shutdown.signal,
          items: options.items,
          webhooks: options.webhooks,
        });
        if (ctx.interrupted) ctx.exitCode = EXIT.interrupted;
        else if (!summary.ok) ctx.exitCode = EXIT.failure;
      } finally {
        shutdown.dispose();
      }
    });
}
