import type { Command } from 'commander';
import { runDemo } from '../demo/run-demo';
import { EXIT, UsageError } from '../runtime/cli-error';
import { secretValues } from '../runtime/config';
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
    .option('--database-url <url>', 'run on this PostgreSQL database instead (TDS_DEMO_DATABASE_URL); it must be empty')
    .addHelpText(
      'after',
      '\nIt ignores .env, DATABASE_URL and your Zoho settings: data goes to its own embedded PostgreSQL in ./.tds/demo (emptied first).\n' +
        'With --database-url (or TDS_DEMO_DATABASE_URL) it uses that database, and refuses (exit 2, nothing written) one that holds\n' +
        'any data or is bound to a Zoho organization: the demo would mark every record its sandbox lacks as deleted.',
    )
    .action(async (options: { items: number; webhooks: number; databaseUrl?: string }) => {
      const databaseUrl = (options.databaseUrl ?? ctx.processEnv.TDS_DEMO_DATABASE_URL)?.trim() || undefined;
      if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new UsageError('--database-url (TDS_DEMO_DATABASE_URL) must be a postgres:// or postgresql:// URL');
      for (const secret of secretValues({ DATABASE_URL: databaseUrl })) ctx.secrets.add(secret);
      const shutdown = installShutdown(ctx.io);
      shutdown.signal.addEventListener('abort', () => (ctx.interrupted = true), { once: true });
      try {
        const summary = await runDemo({
          io: ctx.io,
          cwd: ctx.cwd,
          databaseUrl,
          databaseUrlIgnored: databaseUrl === undefined && Boolean(ctx.processEnv.DATABASE_URL?.trim()),
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
