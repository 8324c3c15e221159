import type { Command } from 'commander';
import type { CliContext } from '../runtime/context';
import { parseEntities } from '../runtime/entities';
import { formatTable } from '../runtime/format';
import { globalsOf } from '../runtime/globals';
import { printResult } from '../runtime/output';
import { parseWholeNumber } from '../runtime/parse';
import { withCore } from '../runtime/session';

const COLUMNS = ['id', 'entity_type', 'zoho_id', 'operation', 'retry_count', 'failed_at', 'resolved_at', 'retried_at', 'error'];

interface DlqListFlags {
  entity?: string;
  includeResolved?: boolean;
  limit: number;
  offset?: number;
  json?: boolean;
}

export function registerDlqList(dlq: Command, ctx: CliContext): void {
  dlq
    .command('list')
    .description('dead letters still open (newest first)')
    .option('--entity <entity>', 'only this entity')
    .option('--include-resolved', 'also resolved and retried ones')
    .option('--limit <n>', 'at most this many', parseWholeNumber(1, 10_000), 50)
    .option('--offset <n>', 'skip this many', parseWholeNumber(0, 100_000_000))
    .option('--json', 'print the result as one JSON document')
    .action(async (options: DlqListFlags, command: Command) => {
      const entity = options.entity === undefined ? undefined : parseEntities([options.entity]);
      await withCore(ctx, { globals: globalsOf(command) }, async (core) => {
        const rows = await core.dlq.list({
          entityType: Array.isArray(entity) ? entity[0] : undefined,
          includeResolved: options.includeResolved ?? false,
          limit: options.limit,
          offset: options.offset,
        });
        printResult(ctx.io, options.json, rows, (r) => {
          if (r.length === 0) return 'The dead-letter queue is empty.';
          const columns = COLUMNS.filter((c) => r.some((row) => c in row));
          return `${formatTable(r, columns)}\n\nRetry: tds dlq retry <id> (or --all). Give up on one: tds dlq resolve <id> --note "why".`;
        });
      });
    });
}
