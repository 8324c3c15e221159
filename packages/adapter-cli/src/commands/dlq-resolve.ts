import type { Command } from 'commander';
import { CliError } from '../runtime/cli-error';
import type { CliContext } from '../runtime/context';
import { globalsOf } from '../runtime/globals';
import { printResult } from '../runtime/output';
import { deadLetterIdOf, parseNonEmpty } from '../runtime/parse';
import { withCore } from '../runtime/session';

export function registerDlqResolve(dlq: Command, ctx: CliContext): void {
  dlq
    .command('resolve')
    .description('close a dead letter without retrying it, with a note saying why')
    .argument('<id>', 'the dead letter id (see tds dlq list)')
    .requiredOption('--note <text>', 'why it is resolved (kept with the dead letter)', parseNonEmpty('--note'))
    .option('--json', 'print the result as one JSON document')
    .action(async (id: string, options: { note: string; json?: boolean }, command: Command) => {
      deadLetterIdOf(id);
      await withCore(ctx, { globals: globalsOf(command) }, async (core) => {
        const result = await core.dlq.resolve(id, options.note);
        if (!result.resolved) throw new CliError(`no open dead letter with id ${id}`);
        printResult(ctx.io, options.json, { id, ...result }, () => `Dead letter ${id} resolved.`);
      });
    });
}
