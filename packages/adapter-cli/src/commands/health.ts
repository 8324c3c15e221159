import type { Command } from 'commander';
import { EXIT } from '../runtime/cli-error';
import type { CliContext } from '../runtime/context';
import { formatTree } from '../runtime/format';
import { globalsOf } from '../runtime/globals';
import { printResult } from '../runtime/output';
import { withCore } from '../runtime/session';

export function registerHealth(program: Command, ctx: CliContext): void {
  program
    .command('health')
    .description('health: queue, dead letters, last sync per entity, workers, Zoho token and rate limit, alerts')
    .option('--json', 'print the result as one JSON document')
    .option('--check', 'exit 1 when the status is critical or emergency (for monitoring scripts)')
    .action(async (options: { json?: boolean; check?: boolean }, command: Command) => {
      await withCore(ctx, { globals: globalsOf(command) }, async (core) => {
        const health = await core.health.get();
        printResult(ctx.io, options.json, health, (h) => {
          const { status, ...rest } = h;
          return `Status: ${status.toUpperCase()}\n${formatTree(rest, '  ')}`;
        });
        if (options.check && (health.status === 'critical' || health.status === 'emergency')) ctx.exitCode = EXIT.failure;
      });
    });
}
