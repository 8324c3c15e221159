import type pg from 'pg';
import type { LoggerLike } from '../db/logger-like';
import { withClusterLock } from './cluster-lock';
import { nextDailyRun } from './next-daily-run';

export interface SchedulerOptions {
  pool: pg.Pool;
  organizationId: string;
  runIncremental: (signal: AbortSignal) => Promise<unknown>;
  runFull: (signal: AbortSignal) => Promise<unknown>;
  /** Default 5 min; 0 turns incremental syncs off. */
  incrementalEveryMs?: number;
  /** Nightly full reconcile, `HH:MM` UTC (default 02:00); null turns it off. */
  fullAt?: string | null;
  logger?: LoggerLike;
  now?: () => Date;
}

export interface Scheduler {
  start(): void;
  stop(): Promise<void>;
}

/**
 * Incremental syncs every few minutes and a nightly full reconcile. Any number of processes may
 * run a scheduler: a cluster-wide advisory lock lets one of them run each job, the rest skip it.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const every = options.incrementalEveryMs ?? 5 * 60_000;
  const fullAt = options.fullAt === undefined ? '02:00' : options.fullAt;
  const now = options.now ?? (() => new Date());
  const abort = new AbortController();
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();

  function run(kind: 'incremental' | 'full', job: (signal: AbortSignal) => Promise<unknown>) {
    const lockName = `tds:scheduled-sync:${options.organizationId}`;
    const task = withClusterLock(options.pool, lockName, () => job(abort.signal))
      .then((result) => {
        if (result === undefined) options.logger?.debug?.({ kind }, 'scheduled sync skipped: another process is running one');
      })
      .catch((error: unknown) => {
        options.logger?.warn({ kind, err: error instanceof Error ? error.message : String(error) }, 'scheduled sync failed');
      })
      .finally(() => running.delete(task));
    running.add(task);
  }

  function schedule(delayMs: number, fn: () => void) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!abort.signal.aborted) fn();
    }, delayMs);
    timer.unref();
    timers.add(timer);
  }

  function scheduleIncremental() {
    schedule(every, () => {
      run('incremental', options.runIncremental);
      scheduleIncremental();
    });
  }

  function scheduleFull() {
    if (!fullAt) return;
    const at = nextDailyRun(fullAt, now());
    schedule(Math.max(0, at.getTime() - now().getTime()), () => {
      run('full', options.runFull);
      scheduleFull();
    });
  }

  return {
    start() {
      if (every > 0) scheduleIncremental();
      scheduleFull();
    },
    async stop() {
      abort.abort();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running]);
    },
  };
}
