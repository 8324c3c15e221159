import type { Command } from 'commander';
import type { CliContext } from '../runtime/context';
import { globalsOf } from '../runtime/globals';
import { printResult } from '../runtime/output';
import { parseWholeNumber } from '../runtime/parse';
import { withCore } from '../runtime/session';

export function registerQueueClearLocks(queue: Command, ctx: CliContext): void {
  queue
    .command('clear-locks')
    .description('return items locked longer than --older-than minutes (a crashed worker) to pending')
    .option('--older-than <minutes>', 'only locks held at least this long (default: the core default, 30)', parseWholeNumber(0, 10_080))
    .option('--json', 'print the result as one JSON document')
    .action(async (options: { olderThan?: number; json?: boolean }, command: Command) => {
      await withCore(ctx, { globals: globalsOf(command) }, async (core) => {
        const result = await core.queue.clearLocks(options.olderThan === undefined ? {} : { olderThanMinutes: options.olderThan });
        printResult(ctx.io, options.json, result, (r) => `Cleared ${r.cleared} stuck lock${r.cleared === 1 ? '' : 's'}.`);
      });
    });
}
