import type { Command } from 'commander';
import { ChangeCursorExpiredError, ChangeFeedInputError, type Change, type ChangePage, type TdsCore } from '@tsh/tds-core';
import { CliError, UsageError } from '../runtime/cli-error';
import type { CliContext } from '../runtime/context';
import { globalsOf } from '../runtime/globals';
import { writeLine } from '../runtime/io';
import { parseWholeNumber } from '../runtime/parse';
import { withCore } from '../runtime/session';

interface ChangesFlags {
  after?: string;
  entity: string[];
  follow?: boolean;
  json?: boolean;
  limit: number;
  pollMs: number;
}

const PAGE = 1000;

/** One line of text per change: id, time, entity, zoho id, op and the columns that changed. */
export function formatChange(change: Change): string {
  return `${change.id}\t${change.at}\t${change.entity}\t${change.zoho_id}\t${change.op}\t${change.columns.join(',')}`;
}

async function readPage(core: TdsCore, after: string | null, limit: number, entities: string[]): Promise<ChangePage> {
  try {
    return await core.changes.read({ after, limit, entities });
  } catch (error) {
    if (error instanceof ChangeFeedInputError) throw new UsageError(error.message);
    if (error instanceof ChangeCursorExpiredError) throw new CliError(error.message);
    throw error;
  }
}

const collect = (value: string, previous: string[]) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

export function registerChanges(program: Command, ctx: CliContext): void {
  program
    .command('changes')
    .description('the change feed: what changed in the contract tables, oldest first (docs/change-feed.md)')
    .option('--after <id>', 'only changes after this change id (default: the oldest one kept)')
    .option('--entity <entity>', 'only this entity (products, categories, customers, invoices, bills, pricelists); repeat or comma-separate for more', collect, [])
    .option('--limit <n>', 'at most this many changes (without --follow)', parseWholeNumber(1, 100_000_000), 100_000_000)
    .option('--follow', 'keep printing new changes as they commit, until Ctrl-C')
    .option('--poll-ms <ms>', 'with --follow: look for new changes this often', parseWholeNumber(50, 60_000), 1000)
    .option('--json', 'one JSON object per change, one per line')
    .action(async (options: ChangesFlags, command: Command) => {
      if (options.after !== undefined && !/^\d{1,18}$/.test(options.after)) throw new UsageError('--after takes a change id (a whole number)');
      await withCore(ctx, { globals: globalsOf(command) }, async (core, session) => {
        const print = (change: Change) => writeLine(ctx.io.stdout, options.json ? JSON.stringify(change) : formatChange(change));
        let cursor: string | null = options.after ?? null;
        let printed = 0;
        for (;;) {
          const wanted = options.follow ? PAGE : Math.min(PAGE, options.limit - printed);
          const page = await readPage(core, cursor, wanted, options.entity);
          page.changes.forEach(print);
          printed += page.changes.length;
          cursor = page.cursor;
          if (!options.follow && (page.changes.length < wanted || printed >= options.limit)) break;
          if (options.follow && page.changes.length < wanted) {
            if (session.shutdown.signal.aborted) break;
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, options.pollMs);
              session.shutdown.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
            });
            if (session.shutdown.signal.aborted) break;
          }
        }
        if (!options.json) writeLine(ctx.io.stderr, `${printed} change${printed === 1 ? '' : 's'}; continue with: tds changes --after ${cursor}`);
      });
    });
}
