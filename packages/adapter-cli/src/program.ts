import { Command } from 'commander';
import { registerChanges } from './commands/changes';
import { registerDemo } from './commands/demo';
import { registerDlqList } from './commands/dlq-list';
import { registerDlqResolve } from './commands/dlq-resolve';
import { registerDlqRetry } from './commands/dlq-retry';
import { registerHeal } from './commands/heal';
import { registerHealth } from './commands/health';
import { registerMigrate } from './commands/migrate';
import { registerQueueClearLocks } from './commands/queue-clear-locks';
import { registerQueueStatus } from './commands/queue-status';
import { registerRebind } from './commands/rebind';
import { registerReport } from './commands/report';
import { registerSandbox } from './commands/sandbox';
import { registerServe } from './commands/serve';
import { registerSync } from './commands/sync';
import { registerVerify } from './commands/verify';
import { registerTokenRefresh } from './commands/token-refresh';
import { registerTokenStatus } from './commands/token-status';
import { registerTrace } from './commands/trace';
import { registerWorker } from './commands/worker';
import type { CliContext } from './runtime/context';
import { VERSION } from './runtime/version';

const ENVIRONMENT_HELP = `
Configuration comes from the environment, then ./.env (never overriding the environment), then flags:
  DATABASE_URL                 PostgreSQL URL (unset: embedded PostgreSQL under $TDS_DATA_DIR, default ./.tds)
  TDS_SCHEMA                   PostgreSQL schema for TDS's tables (default: the server's search_path)
  ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN, ZOHO_ORGANIZATION_ID   Zoho OAuth self-client
  ZOHO_DATA_CENTER             com, eu, in, com.au, jp, ca, sa, com.cn (default com)
  ZOHO_ACCOUNTS_URL, ZOHO_API_URL   override the Zoho hosts (e.g. the sandbox's)
  ZOHO_WEBHOOK_SECRET          webhook signature secret (required by serve)
  TDS_ADMIN_TOKEN              bearer token of the admin API (required by serve)
  TDS_WORKERS (2)  TDS_RATE_LIMIT_PER_MINUTE (100)  TDS_LEASE_SECONDS (60)  PORT (3000)  TDS_LOG_LEVEL
  TDS_WORKER_BATCH_SIZE (200)  queue items a worker claims at once
  TDS_WORKER_ZOHO_MAX_WAIT_MS (3000)  longest a queue worker waits on the Zoho rate limit before deferring an item
  TDS_ZOHO_MAX_CONCURRENT (10)  Zoho requests in flight at once for the whole cluster (5 on Zoho's Free plan)

Exit codes: 0 ok, 1 failure, 2 usage or configuration error, 130 stopped by Ctrl-C before finishing.
Try it without Zoho or PostgreSQL: tds demo`;

/** The `tds` command tree; each command lives in its own file under commands/. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('tds')
    .description('TDS: keep a PostgreSQL ERP database in step with Zoho Books and Zoho Inventory')
    .version(VERSION, '-v, --version')
    // Not --env-file: Node 20 takes that flag for itself even after the script name.
    .option('--dotenv <path>', 'read variables from this .env-style file instead of ./.env')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (logs go to stderr)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
    })
    .addHelpText('after', ENVIRONMENT_HELP);

  registerMigrate(program, ctx);
  registerServe(program, ctx);
  registerWorker(program, ctx);
  registerSync(program, ctx);
  registerVerify(program, ctx);
  registerChanges(program, ctx);
  registerTrace(program, ctx);

  const queue = program.command('queue').description('the sync queue');
  registerQueueStatus(queue, ctx);
  registerQueueClearLocks(queue, ctx);

  const dlq = program.command('dlq').description('the dead-letter queue: items that failed every retry');
  registerDlqList(dlq, ctx);
  registerDlqRetry(dlq, ctx);
  registerDlqResolve(dlq, ctx);

  const token = program.command('token').description('the shared Zoho OAuth access token');
  registerTokenStatus(token, ctx);
  registerTokenRefresh(token, ctx);

  registerHeal(program, ctx);
  registerHealth(program, ctx);
  registerReport(program, ctx);
  registerRebind(program, ctx);
  registerSandbox(program, ctx);
  registerDemo(program, ctx);
  return program;
}
