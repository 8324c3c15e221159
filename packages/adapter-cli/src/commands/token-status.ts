import type { Command } from 'commander';
import type { CliContext } from '../runtime/context';
import { formatTree } from '../runtime/format';
import { globalsOf } from '../runtime/globals';
import { printResult } from '../runtime/output';
import { withCore } from '../runtime/session';

export function registerTokenStatus(token: Command, ctx: CliContext): void {
  token
    .command('status')
    .description('the shared access token: present, expiry, last refresh, last error (never the token itself)')
    .option('--json', 'print the result as one JSON document')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withCore(ctx, { globals: globalsOf(command) }, async (core) => {
        const status = await core.token.status();
        printResult(ctx.io, options.json, status, (s) => `Zoho token\n${formatTree(s, '  ')}`);
      });
    });
}
