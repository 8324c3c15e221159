import { randomUUID } from 'node:crypto';
import type { LoggerLike } from '../db/logger-like';
import type { SyncOptions, SyncOutcome, SyncProgress } from './types';

export interface SyncJob {
  runId: string;
  entities: string[];
  mode: 'full' | 'incremental';
  status: 'running' | 'succeeded' | 'failed';
  startedAt: Date;
  finishedAt: Date | null;
  progress: Record<string, SyncProgress>;
  results: SyncOutcome[];
  error: string | null;
}

/**
 * Background sync runs started through an adapter (POST /api/tds/sync/:entity), kept in memory so
 * their progress can be polled; finished jobs are forgotten after `keep` newer ones.
 */
export function createSyncRunRegistry(
  run: (entities: string[], options: SyncOptions) => Promise<SyncOutcome[]>,
  logger: LoggerLike,
  keep = 50,
) {
  const jobs = new Map<string, SyncJob>();
  const running = new Set<Promise<void>>();

  function forgetOld() {
    const finished = [...jobs.values()].filter((j) => j.status !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - keep))) jobs.delete(job.runId);
  }

  return {
    start(entities: string[], options: SyncOptions): { runId: string } {
      const job: SyncJob = {
        runId: randomUUID(),
        entities,
        mode: options.mode ?? 'incremental',
        status: 'running',
        startedAt: new Date(),
        finishedAt: null,
        progress: {},
        results: [],
        error: null,
      };
      jobs.set(job.runId, job);
      const task = run(entities, {
        ...options,
        onProgress: (p) => {
          job.progress[p.entity] = p;
          options.onProgress?.(p);
        },
      })
        .then((results) => {
          job.results = results;
          job.status = results.every((r) => r.status === 'succeeded') ? 'succeeded' : 'failed';
          if (job.status === 'failed') job.error = results.map((r) => r.error).filter(Boolean).join('; ') || 'a sync run failed';
        })
        .catch((error: unknown) => {
          job.status = 'failed';
          job.error = error instanceof Error ? error.message : String(error);
          logger.warn({ runId: job.runId, err: job.error }, 'background sync failed');
        })
        .finally(() => {
          job.finishedAt = new Date();
          running.delete(task);
          forgetOld();
        });
      running.add(task);
      return { runId: job.runId };
    },
    get(runId: string): SyncJob | null {
      return jobs.get(runId) ?? null;
    },
    /** Waits for background runs (they stop early once their signal is aborted). */
    async settle(): Promise<void> {
      await Promise.allSettled([...running]);
    },
  };
}
