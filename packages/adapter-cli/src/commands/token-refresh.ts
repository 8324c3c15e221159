import type { Command } from 'commander';
import type { CliContext } from '../runtime/context';
import { formatTree } from '../runtime/format';
import { globalsOf } from '../runtime/globals';
import { printResult } from '../runtime/output';
import { withCore } from '../runtime/session';

export function registerTokenRefresh(token: Command, ctx: CliContext): void {
  token
    .command('refresh')
    .description('get a new access token from Zoho now (shared with every TDS process through the database)')
    .option('--json', 'print the result as one JSON document')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withCore(ctx, { globals: globalsOf(command), needs: { zoho: true } }, async (core) => {
        const status = await core.token.refresh();
        printResult(ctx.io, options.json, status, (s) => `Zoho token refreshed\n${formatTree(s, '  ')}`);
      });
    });
}
