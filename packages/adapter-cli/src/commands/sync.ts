import type { Command } from 'commander';
import { EXIT, UsageError } from '../runtime/cli-error';
import type { CliContext } from '../runtime/context';
import { ENTITIES, parseEntities } from '../runtime/entities';
import { globalsOf } from '../runtime/globals';
import { writeLine } from '../runtime/io';
import { printResult } from '../runtime/output';
import { parseIsoDate } from '../runtime/parse';
import { createProgress } from '../runtime/progress';
import { preferSmallHeap } from '../runtime/small-heap';
import { quotaShortfallWarnings, quotaSpentMessage, quotaStops } from '../runtime/quota-message';
import { withCore } from '../runtime/session';
import { failedSyncResults, formatSyncResults } from '../runtime/sync-results';
import type { SyncOutcome } from '@tsh/tds-core';

interface SyncFlags {
  full?: boolean;
  since?: Date;
  json?: boolean;
  wait?: boolean;
}

export function registerSync(program: Command, ctx: CliContext): void {
  program
    .command('sync')
    .description('fetch from Zoho and apply to PostgreSQL now (incremental from the saved cursor unless --full)')
    .argument('<entities...>', `${ENTITIES.join(', ')}, or all`)
    .option('--full', 'read every record and reconcile deletions, not only what changed')
    .option('--since <iso>', 'incremental from this time instead of the saved cursor', parseIsoDate)
    .option('--json', 'print the results as one JSON document')
    .option('--wait', "when Zoho's daily quota is spent, wait for its reset instead of stopping (exit 3)")
    .addHelpText('after', '\nExamples:\n  tds sync all --full\n  tds sync products stock --since 2025-06-01T00:00:00+03:00\n\nCtrl-C stops cleanly: what was applied stays, the cursor is saved, queue locks are released.\nWhen Zoho\'s daily quota runs out the sync stops (exit 3) with its checkpoint kept; --wait waits for the reset instead.')
    .action(async (names: string[], options: SyncFlags, command: Command) => {
      const entities = parseEntities(names);
      preferSmallHeap();
      if (options.full && options.since) throw new UsageError('--full reads everything: it cannot be combined with --since');
      // Without --wait a spent quota ends the run at once (docs/hardening.md, "When a daily quota runs out").
      const zoho = { onDailyQuotaExhausted: options.wait ? ('wait' as const) : ('fail' as const) };
      await withCore(ctx, { globals: globalsOf(command), needs: { zoho: true }, claimBindingAs: 'tds sync', zoho }, async (core, session) => {
        if (options.full) {
          for (const warning of quotaShortfallWarnings(await core.sync.estimateFull(entities))) writeLine(ctx.io.stderr, warning);
        }
        const progress = createProgress(ctx.io);
        let results: SyncOutcome[];
        try {
          results = await core.sync.run(entities, {
            mode: options.full ? 'full' : 'incremental',
            since: options.since,
            onProgress: (p) => progress.onProgress(p),
            signal: session.shutdown.signal,
          });
        } finally {
          progress.stop();
        }
        const stops = quotaStops(results);
        const otherFailures = failedSyncResults(results).filter((r) => !('quota' in r) || r.quota === undefined);
        if (session.shutdown.signal.aborted) ctx.exitCode = EXIT.interrupted;
        else if (otherFailures.length > 0) ctx.exitCode = EXIT.failure;
        else if (stops.length > 0) ctx.exitCode = EXIT.quotaSpent;
        printResult(ctx.io, options.json, results, (r) => {
          const failed = failedSyncResults(r);
          const summary = session.shutdown.signal.aborted
            ? 'Stopped before finishing: what was applied is kept, the next sync continues from the saved cursor.'
            : stops.length > 0 && otherFailures.length === 0
              ? quotaSpentMessage(stops, `tds sync ${names.join(' ')}${options.full ? ' --full' : ''}`)
              : failed.length > 0
              ? `${failed.length} of ${r.length} entities failed: see the error column, then \`tds report\`.`
              : `Done: ${r.length} entit${r.length === 1 ? 'y' : 'ies'} synced.`;
          return `${formatSyncResults(r)}\n\n${summary}`;
        });
        // The one clear message goes to stderr too, so that --json and pipes see it.
        if (stops.length > 0 && options.json) writeLine(ctx.io.stderr, quotaSpentMessage(stops, `tds sync ${names.join(' ')}${options.full ? ' --full' : ''}`));
      });
    });
}
