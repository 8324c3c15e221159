import type pg from 'pg';
import type { LoggerLike } from '../db/logger-like';
import { withClusterLock } from './cluster-lock';

export interface VerifyScheduleOptions<T> {
  pool: pg.Pool;
  organizationId: string;
  intervalMs: number;
  /** One scheduled verify; the signal aborts when the schedule stops. */
  run: (signal: AbortSignal) => Promise<T>;
  logger?: LoggerLike;
}

export interface VerifySchedule<T> {
  start(): void;
  /** Runs one now under the cluster lock; undefined when another process holds it. */
  runNow(): Promise<T | undefined>;
  stop(): Promise<void>;
}

/**
 * Scheduled verifies: every `intervalMs`, one process of the cluster (an advisory lock of its own,
 * so verifies never wait for or block scheduled syncs) runs a sampled verify. A run still going
 * when the next is due is not doubled: the next waits for the timer after it.
 */
export function createVerifySchedule<T>(options: VerifyScheduleOptions<T>): VerifySchedule<T> {
  const abort = new AbortController();
  const lockName = `tds:scheduled-verify:${options.organizationId}`;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<T | undefined> | undefined;

  function runNow(): Promise<T | undefined> {
    running ??= withClusterLock(options.pool, lockName, () => options.run(abort.signal))
      .then((result) => {
        if (result === undefined) options.logger?.debug?.({}, 'scheduled verify skipped: another process is running one');
        return result;
      })
      .finally(() => (running = undefined));
    return running;
  }

  function schedule() {
    timer = setTimeout(() => {
      runNow()
        .catch((error: unknown) => options.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'scheduled verify failed'))
        .finally(() => {
          if (!abort.signal.aborted) schedule();
        });
    }, options.intervalMs);
    timer.unref();
  }

  return {
    start() {
      if (options.intervalMs <= 0 || timer || abort.signal.aborted) return;
      schedule();
    },
    runNow,
    async stop() {
      abort.abort(new Error('the scheduler stopped'));
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
