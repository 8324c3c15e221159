import type { Kysely } from 'kysely';
import type { LoggerLike } from '../db/logger-like';
import type { Database, HealOutcome } from '../db/schema';
import type { AlertSink } from '../health/alerts/types';
import type { HealthDeps } from '../health/types';
import type { PurgedCounts, RetentionDays } from './sql/purge-expired';
import type { BatchedPurge } from './sql/purge-in-batches';
import type { PurgedChanges } from '../changes/purge-changes';

/** The part of a worker pool the healer uses; the pool of src/workers fits, and so does a test double. */
export interface HealerWorkerPool {
  restart(options?: { graceMs?: number }): Promise<void>;
  status?(): { state: string };
}

export interface HealerOptions {
  /** Items processing for longer than this go back to pending (default 30). */
  stuckLockMinutes?: number;
  /** Due work waiting this long with no completion in the same time is a stall (default 15). */
  stallMinutes?: number;
  /** After a restart, how long to wait for a completion or heartbeat (default 30 000 ms). */
  resumeTimeoutMs?: number;
  /** How often to look for that sign while waiting (default 250 ms). */
  resumePollMs?: number;
  /** Grace period given to in-flight batches when restarting the pool (default 10 000 ms). */
  restartGraceMs?: number;
  /** Items handled per step per run (default 1000). */
  batchLimit?: number;
  /** Heal log rows older than this are dropped (default 30 days); the same as retention.healLogDays. */
  healLogRetentionDays?: number;
  /** Change feed rows older than this are dropped (TDS_CHANGES_RETENTION_DAYS, default 7; docs/change-feed.md). */
  changesRetentionDays?: number;
  /** What is kept how long, and how the purge is paced (docs/hardening.md). */
  retention?: Partial<RetentionDays & BatchedPurge>;
  /** What health and diagnostics need beyond the database (heartbeat, thresholds, secrets to scrub, …). */
  health?: Omit<HealthDeps, 'db' | 'organizationId'>;
}

export interface CreateHealerArgs {
  db: Kysely<Database>;
  organizationId: string;
  /** The pool of this process, restarted in-process when processing stalls. Without it, stalls are only reported. */
  workerPool?: HealerWorkerPool;
  logger?: LoggerLike;
  options?: HealerOptions;
  /** Where the healer's alerts go (dead credential, a restart that did not help). */
  sinks?: readonly AlertSink[];
}

export interface HealActionResult {
  action: string;
  outcome: HealOutcome;
  target?: string | null;
  details: Record<string, unknown>;
}

/** What one healer run did. */
export type HealRunResult = {
  started_at: string;
  finished_at: string;
  actions: HealActionResult[];
  /** Rows past their retention dropped by this run (or why the purge failed). */
  purged: PurgedCounts | { error: string };
  /** Change feed rows past TDS_CHANGES_RETENTION_DAYS dropped by this run (docs/change-feed.md). */
  purged_changes?: PurgedChanges | { error: string };
};

export interface DeadLetterReplayFilter {
  /** Replay these DLQ entries (ids as strings or numbers). */
  ids?: ReadonlyArray<string | number>;
  entityType?: string;
  /** Only entries whose error contains this text (case-insensitive). */
  errorContains?: string;
  failedBefore?: Date;
  failedAfter?: Date;
  /** Replay every open entry; required when no other criterion is given. */
  all?: boolean;
  /** At most this many entries when selecting by criteria (default 1000, at most 10 000). */
  limit?: number;
}

export interface DeadLetterReplayResult {
  replayed: number;
  entries: Array<{ id: string; queue_id: string | null }>;
}

/** A replay request refused before anything changed. */
export class HealerInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HealerInputError';
  }
}
