import type { Command } from 'commander';
import type { VerifyProgress, VerifyReport } from '@tsh/tds-core';
import { EXIT } from '../runtime/cli-error';
import type { CliContext } from '../runtime/context';
import { ENTITIES, parseEntities } from '../runtime/entities';
import { formatScalar, formatTable } from '../runtime/format';
import { globalsOf } from '../runtime/globals';
import { writeLine } from '../runtime/io';
import { printResult } from '../runtime/output';
import { parseWholeNumber } from '../runtime/parse';
import { withCore } from '../runtime/session';
import { preferSmallHeap } from '../runtime/small-heap';

interface VerifyFlags {
  sample?: number;
  repair?: boolean;
  json?: boolean;
}

const FIRST_DIFFERENCES = 10;

/** The per-entity table, then the first differences (stored vs Zoho) and anything the run had to say. */
export function formatVerifyReport(report: VerifyReport): string {
  const rows = report.entities.map((e) => ({
    entity: e.entity,
    checked: e.checked,
    matching: e.matching,
    drifted: e.drifted.length,
    missing: e.missing.length,
    extra: e.extra.length,
    ...(report.repair ? { repaired: e.repaired.length, unrepaired: e.unrepaired.length } : {}),
    ...(e.unstorable.length > 0 ? { unstorable: e.unstorable.length } : {}),
  }));
  const lines = [formatTable(rows)];
  const differences = report.entities.flatMap((e) => [
    ...e.drifted.flatMap((d) => d.columns.map((c) => `${e.entity} ${d.zoho_id}: ${c.column} stored ${formatScalar(c.stored)}, Zoho ${formatScalar(c.zoho)}`)),
    ...e.missing.map((id) => `${e.entity} ${id}: missing here (live in Zoho)`),
    ...e.extra.map((id) => `${e.entity} ${id}: extra here (deleted in or absent from Zoho)`),
  ]);
  if (differences.length > 0) {
    lines.push('', `First differences${differences.length > FIRST_DIFFERENCES ? ` (${FIRST_DIFFERENCES} of ${differences.length}; --json lists all)` : ''}:`);
    lines.push(...differences.slice(0, FIRST_DIFFERENCES).map((d) => `  ${d}`));
  }
  lines.push(...report.notes.map((note) => `Note: ${note}`));
  const scope = report.sample === null ? 'every record' : `a sample of ${report.sample} per entity`;
  const summary = report.ok
    ? report.repair && differences.length > 0
      ? `Repaired: every difference was re-synced and verified again (${report.requests} Zoho requests).`
      : `No drift: ${scope} equals Zoho (${report.requests} Zoho requests).`
    : report.repair
      ? 'Drift left after the repair: see the unrepaired column, then `tds dlq list` and `tds report`.'
      : 'Drift found: run `tds verify --repair` to re-sync these records.';
  lines.push('', summary);
  return lines.join('\n');
}

/** One line per entity step on a terminal (requests are rate-limited, so a full verify takes as long as a sync). */
function progressLine(ctx: CliContext) {
  return (p: VerifyProgress) => {
    if (ctx.io.stderrIsTTY) writeLine(ctx.io.stderr, `verify ${p.entity}: ${p.phase}${p.phase === 'checking' ? '…' : `, ${p.checked} checked`}, ${p.requests} Zoho requests so far`);
  };
}

export function registerVerify(program: Command, ctx: CliContext): void {
  program
    .command('verify')
    .description('compare the stored rows with Zoho\'s current records (read-only unless --repair); exit 0 no drift, 1 drift')
    .argument('[entities...]', `${ENTITIES.join(', ')}, or all (default all)`)
    .option('--sample <n>', 'check n random records per entity instead of all (a few requests)', parseWholeNumber(1, 100_000))
    .option('--repair', 'queue drifted, missing and extra records for re-sync, wait, and verify them again')
    .option('--json', 'print the report as one JSON document')
    .addHelpText('after', '\nExamples:\n  tds verify\n  tds verify products --sample 20\n  tds verify all --repair --json\n\nWithout --repair nothing is written to the entity tables: a database role with SELECT only is enough.')
    .action(async (names: string[], options: VerifyFlags, command: Command) => {
      const entities = parseEntities(names.length === 0 ? ['all'] : names);
      // A full verify reads the whole catalogue page by page, like a full sync (docs/benchmarks.md).
      preferSmallHeap();
      await withCore(ctx, { globals: globalsOf(command), needs: { zoho: true }, migrate: options.repair === true }, async (core, session) => {
        const report = await core.verify({
          entities,
          sample: options.sample ?? null,
          repair: options.repair === true,
          trigger: 'cli',
          signal: session.shutdown.signal,
          onProgress: progressLine(ctx),
        });
        if (session.shutdown.signal.aborted) ctx.exitCode = EXIT.interrupted;
        else if (!report.ok) ctx.exitCode = EXIT.failure;
        printResult(ctx.io, options.json, report, formatVerifyReport);
      });
    });
}
