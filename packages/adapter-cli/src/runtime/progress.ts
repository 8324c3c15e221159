import cliProgress from 'cli-progress';
import type { SyncProgress } from '@tsh/tds-core';
import { formatDuration } from './format';
import { writeLine, type CliIo } from './io';

export interface ProgressReporter {
  onProgress(progress: SyncProgress): void;
  /** Ends the display (bars drawn complete, a last line per unfinished entity). */
  stop(): void;
}

/** A phase after which the entity does no more work. */
const isFinal = (p: SyncProgress) => p.phase === 'done' || p.phase === 'failed' || p.phase === 'cancelled';

const rate = (p: SyncProgress) => (p.ratePerMinute === null ? '?' : String(Math.round(p.ratePerMinute)));

export function describeProgress(p: SyncProgress): string {
  const eta = isFinal(p) ? '' : `, ETA ${formatDuration(p.etaSeconds)}`;
  return `${p.entity}: ${p.phase}, ${p.pages} pages, ${p.records} records, ${p.requestsUsed} requests, ${rate(p)}/min${eta}`;
}

/** Plain lines for logs and pipes: every phase change, and at most one line per entity per interval. */
export function createLineProgress(io: CliIo, options: { intervalMs?: number; prefix?: string } = {}): ProgressReporter {
  const intervalMs = options.intervalMs ?? 2000;
  const last = new Map<string, { at: number; phase: string }>();
  return {
    onProgress(p) {
      const now = Date.now();
      const previous = last.get(p.entity);
      if (previous && previous.phase === p.phase && now - previous.at < intervalMs) return;
      last.set(p.entity, { at: now, phase: p.phase });
      writeLine(io.stderr, `${options.prefix ?? 'sync'} ${describeProgress(p)}`);
    },
    stop() {},
  };
}

const BAR_TOTAL = 1000;

/** One live bar per entity on a terminal; the fill follows the core's ETA (Zoho lists give no totals). */
export function createBarProgress(io: CliIo): ProgressReporter {
  const multibar = new cliProgress.MultiBar(
    {
      stream: io.stderr,
      format: ' {entity} |{bar}| {phase} · {pages} pages · {records} records · {requests} req · {rate}/min · ETA {left}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      barsize: 24,
      fps: 8,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, { bar: cliProgress.SingleBar; startedAt: number }>();
  return {
    onProgress(p) {
      let entry = bars.get(p.entity);
      if (!entry) {
        entry = { bar: multibar.create(BAR_TOTAL, 0, {}), startedAt: Date.now() };
        bars.set(p.entity, entry);
      }
      const finished = isFinal(p);
      const elapsed = (Date.now() - entry.startedAt) / 1000;
      const fraction = finished ? 1 : p.etaSeconds === null ? 0 : elapsed / Math.max(0.001, elapsed + p.etaSeconds);
      entry.bar.update(Math.round(Math.min(1, fraction) * BAR_TOTAL), {
        entity: p.entity.padEnd(10),
        phase: p.phase.padEnd(11),
        pages: p.pages,
        records: p.records,
        requests: p.requestsUsed,
        rate: rate(p),
        left: finished ? '0s' : formatDuration(p.etaSeconds),
      });
    },
    stop() {
      multibar.stop();
    },
  };
}

export function createProgress(io: CliIo, options: { prefix?: string } = {}): ProgressReporter {
  return io.stderrIsTTY ? createBarProgress(io) : createLineProgress(io, options);
}
