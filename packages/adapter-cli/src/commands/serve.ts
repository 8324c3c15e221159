import type { Command } from 'commander';
import type { CliContext } from '../runtime/context';
import { globalsOf } from '../runtime/globals';
import { displayUrl, startHttp } from '../runtime/http';
import { writeLine } from '../runtime/io';
import { parseDailyTime, parseWholeNumber } from '../runtime/parse';
import { withCore } from '../runtime/session';

interface ServeFlags {
  port?: number;
  host?: string;
  workers?: number | false;
  healer: boolean;
  scheduler: boolean;
  syncEvery: number;
  fullAt?: string | null;
}

const ENTITY_PATHS = 'products, customers, invoices, bills, stock, pricelists';

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('run TDS: webhook receiver + admin/health API, workers, healer, incremental sync every 5 min and a nightly full reconcile')
    .option('--port <port>', 'HTTP port (PORT, default 3000; 0 picks a free one)', parseWholeNumber(0, 65_535))
    .option('--host <host>', 'interface to listen on (HOST, default 127.0.0.1; 0.0.0.0 for every interface, as in a container)')
    .option('--workers <n>', 'worker count (TDS_WORKERS, default 2)', parseWholeNumber(1, 64))
    .option('--no-workers', 'no workers in this process (run `tds worker` elsewhere)')
    .option('--no-healer', 'no healer in this process')
    .option('--no-scheduler', 'no scheduled syncs in this process')
    .option('--sync-every <minutes>', 'incremental sync interval (0: none)', parseWholeNumber(0, 1440), 5)
    .option('--full-at <HH:MM>', 'nightly full reconcile time, UTC, or off (default 02:00)', parseDailyTime)
    .addHelpText('after', `\nWebhooks: POST/PUT/DELETE /api/zoho/webhooks/{${ENTITY_PATHS}}\nRequires ZOHO_* credentials, ZOHO_WEBHOOK_SECRET (or TDS_WEBHOOK_AUTH=token with TDS_WEBHOOK_TOKEN) and TDS_ADMIN_TOKEN (at least 32 characters). SIGINT/SIGTERM stop it cleanly.`)
    .action(async (options: ServeFlags, command: Command) => {
      const spec = {
        globals: globalsOf(command),
        needs: { zoho: true, webhookSecret: true, adminToken: true },
        overrides: { PORT: options.port, HOST: options.host, TDS_WORKERS: typeof options.workers === 'number' ? options.workers : undefined },
        flags: { PORT: '--port', HOST: '--host', TDS_WORKERS: '--workers' },
        longRunning: true,
        claimBindingAs: 'tds serve',
        schedule: { incrementalEveryMs: options.syncEvery * 60_000, fullAt: options.fullAt },
      };
      await withCore(ctx, spec, async (core, session) => {
        const { config, logger } = session;
        const http = await startHttp(core, {
          webhookSecret: config.ZOHO_WEBHOOK_SECRET,
          adminToken: config.TDS_ADMIN_TOKEN!,
          port: config.PORT,
          host: config.HOST,
          logger,
          metricsPublic: config.TDS_METRICS_PUBLIC,
          adminMaxFailures: config.TDS_ADMIN_MAX_FAILURES,
        });
        try {
          const parts = { workers: options.workers !== false, healer: options.healer, scheduler: options.scheduler };
          await core.start(parts);
          const running = Object.entries(parts)
            .filter(([, on]) => on)
            .map(([name]) => (name === 'workers' ? `${config.TDS_WORKERS} workers` : name));
          writeLine(ctx.io.stderr, `tds serve: listening on ${displayUrl(http.url)} (${running.join(', ') || 'HTTP only'}), dashboard at ${displayUrl(http.url)}/tds/; Ctrl-C stops`);
          logger.info({ url: http.url, ...parts }, 'tds serve started');
          await session.shutdown.stopped;
          writeLine(ctx.io.stderr, 'tds serve: stopping (finishing requests, releasing queue items)');
        } finally {
          await http.close();
        }
      });
    });
}
