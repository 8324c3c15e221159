import type { Command } from 'commander';
import type { CliContext } from '../runtime/context';
import { globalsOf } from '../runtime/globals';
import { writeLine } from '../runtime/io';
import { parseDailyTime, parseWholeNumber } from '../runtime/parse';
import { withCore } from '../runtime/session';

interface WorkerFlags {
  workers?: number;
  healer?: boolean;
  scheduler?: boolean;
  syncEvery: number;
  fullAt?: string | null;
}

export function registerWorker(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .description('process the queue only (no HTTP); run as many as you like on as many machines as you like')
    .option('--workers <n>', 'worker count in this process (TDS_WORKERS, default 2)', parseWholeNumber(1, 64))
    .option('--healer', 'also run the healer in this process')
    .option('--scheduler', 'also run the scheduled syncs (one runner per cluster is elected through PostgreSQL)')
    .option('--sync-every <minutes>', 'with --scheduler: incremental sync interval (0: none)', parseWholeNumber(0, 1440), 5)
    .option('--full-at <HH:MM>', 'with --scheduler: nightly full reconcile time, UTC, or off (default 02:00)', parseDailyTime)
    .addHelpText('after', '\nSIGINT/SIGTERM stop it cleanly: items in hand are finished or released for other workers.')
    .action(async (options: WorkerFlags, command: Command) => {
      const spec = {
        globals: globalsOf(command),
        needs: { zoho: true },
        overrides: { TDS_WORKERS: options.workers },
        flags: { TDS_WORKERS: '--workers' },
        longRunning: true,
        claimBindingAs: 'tds worker',
        schedule: { incrementalEveryMs: options.syncEvery * 60_000, fullAt: options.fullAt },
      };
      await withCore(ctx, spec, async (core, session) => {
        await core.start({ workers: true, healer: options.healer ?? false, scheduler: options.scheduler ?? false });
        writeLine(ctx.io.stderr, `tds worker: ${session.config.TDS_WORKERS} workers processing the queue; Ctrl-C stops`);
        await session.shutdown.stopped;
        writeLine(ctx.io.stderr, 'tds worker: stopping (releasing queue items)');
      });
    });
}
