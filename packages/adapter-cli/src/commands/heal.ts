import type { Command } from 'commander';
import type { CliContext } from '../runtime/context';
import { formatTree } from '../runtime/format';
import { globalsOf } from '../runtime/globals';
import { printResult } from '../runtime/output';
import { withCore } from '../runtime/session';

export function registerHeal(program: Command, ctx: CliContext): void {
  program
    .command('heal')
    .description('one healer pass: re-queue failed items with retries left, clear stuck locks, diagnose (every action logged)')
    .option('--json', 'print the result as one JSON document')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withCore(ctx, { globals: globalsOf(command) }, async (core) => {
        const result = await core.healer.runOnce();
        printResult(ctx.io, options.json, result, (r) => `Healer pass\n${formatTree(r, '  ')}`);
      });
    });
}
