import type { Command } from 'commander';
import type { CliContext } from '../runtime/context';
import { globalsOf } from '../runtime/globals';
import { printJson, printText } from '../runtime/output';
import { withCore } from '../runtime/session';

export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description('the status report and error report (what an operator reads first)')
    .option('--json', 'the same data as one JSON document')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withCore(ctx, { globals: globalsOf(command) }, async (core) => {
        if (options.json) printJson(ctx.io, await core.health.report('json'));
        else printText(ctx.io, String(await core.health.report('text')));
      });
    });
}
