import type { Command } from 'commander';
import { ChangeFeedInputError, type RecordTrace, type TraceEvent } from '@tsh/tds-core';
import { UsageError } from '../runtime/cli-error';
import type { CliContext } from '../runtime/context';
import { globalsOf } from '../runtime/globals';
import { printResult } from '../runtime/output';
import { withCore } from '../runtime/session';

function describeEvent(e: TraceEvent): string {
  switch (e.kind) {
    case 'webhook':
      return `webhook ${e.outcome} (${e.method}${e.event ? ` ${e.event}` : ''})${e.queue_item_id ? ` -> queue item ${e.queue_item_id}` : ''}${e.note && e.outcome !== 'accepted' ? `: ${e.note}` : ''}`;
    case 'queue':
      return `queue item ${e.id} (${e.source}, ${e.operation}): ${e.status}, ${e.attempts} failed attempt${e.attempts === 1 ? '' : 's'} of ${e.max_retries}${e.last_error ? `, last error: ${e.last_error}` : ''}`;
    case 'change':
      return `applied: ${e.op} ${e.columns.join(', ')}${e.zoho_last_modified_time ? ` (Zoho version ${e.zoho_last_modified_time})` : ''}${e.id ? ` [change ${e.id}]` : ''}`;
    case 'dead_letter':
      return `dead letter ${e.id}: ${e.error}${e.resolved_at ? `; resolved: ${e.resolution_note ?? ''}` : e.retried_at ? '; retried' : '; open'}`;
    case 'verify':
      return `verify run ${e.run_id}: ${e.result}${e.columns.length > 0 ? ` (${e.columns.join(', ')})` : ''}`;
  }
}

/** The timeline as lines: the stored row, then one line per event with its time. */
export function formatTrace(trace: RecordTrace): string {
  const head = trace.stored
    ? `${trace.entity} ${trace.zoho_id}${trace.stored.name ? ` "${trace.stored.name}"` : ''}: version ${trace.stored.zoho_last_modified_time ?? 'none'}, synced ${trace.stored.last_synced_at ?? 'never'}${trace.stored.deleted_at ? `, deleted ${trace.stored.deleted_at}` : ''}`
    : `${trace.entity} ${trace.zoho_id}: not stored`;
  if (trace.timeline.length === 0) return `${head}\nNothing recorded about it (inbox, queue and feed rows past their retention are purged).`;
  return [head, ...trace.timeline.map((e) => `${e.at}  ${describeEvent(e)}`)].join('\n');
}

export function registerTrace(program: Command, ctx: CliContext): void {
  program
    .command('trace <entity> <zoho_id>')
    .description("one record's timeline: webhook deliveries, queue items, versions applied, dead letters, verify results")
    .option('--json', 'print the trace as one JSON document')
    .action(async (entity: string, zohoId: string, options: { json?: boolean }, command: Command) => {
      await withCore(ctx, { globals: globalsOf(command) }, async (core) => {
        try {
          const trace = await core.trace(entity, zohoId);
          printResult(ctx.io, options.json, trace, formatTrace);
        } catch (error) {
          if (error instanceof ChangeFeedInputError) throw new UsageError(error.message);
          throw error;
        }
      });
    });
}
