import type { Command } from 'commander';
import type { CliContext } from '../runtime/context';
import { formatTree } from '../runtime/format';
import { globalsOf } from '../runtime/globals';
import { printResult } from '../runtime/output';
import { withCore } from '../runtime/session';

export function registerQueueStatus(queue: Command, ctx: CliContext): void {
  queue
    .command('status')
    .description('queue counts: pending, processing, retrying, failed, dead letters, by entity')
    .option('--json', 'print the result as one JSON document')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withCore(ctx, { globals: globalsOf(command) }, async (core) => {
        const status = await core.queue.status();
        printResult(ctx.io, options.json, status, (s) => `Queue\n${formatTree(s, '  ')}`);
      });
    });
}
