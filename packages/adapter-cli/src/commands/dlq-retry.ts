import type { Command } from 'commander';
import { CliError, UsageError } from '../runtime/cli-error';
import type { CliContext } from '../runtime/context';
import { globalsOf } from '../runtime/globals';
import { printResult } from '../runtime/output';
import { deadLetterIdOf } from '../runtime/parse';
import { withCore } from '../runtime/session';

export function registerDlqRetry(dlq: Command, ctx: CliContext): void {
  dlq
    .command('retry')
    .description('put a dead letter (or every open one with --all) back into the queue')
    .argument('[id]', 'the dead letter id (see tds dlq list)')
    .option('--all', 'every open dead letter')
    .option('--json', 'print the result as one JSON document')
    .action(async (id: string | undefined, options: { all?: boolean; json?: boolean }, command: Command) => {
      if ((id === undefined) === !options.all) throw new UsageError('give either a dead letter id or --all');
      if (id !== undefined) deadLetterIdOf(id);
      await withCore(ctx, { globals: globalsOf(command) }, async (core) => {
        const result = await core.dlq.retry(options.all ? 'all' : id!);
        if (id !== undefined && result.retried === 0) throw new CliError(`no open dead letter with id ${id}`);
        printResult(ctx.io, options.json, result, (r) => `Retried ${r.retried} dead letter${r.retried === 1 ? '' : 's'}: back in the queue for the workers.`);
      });
    });
}
