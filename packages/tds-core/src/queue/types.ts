import type { Kysely, Transaction } from 'kysely';
import type { Database, QueueItemRow, QueueOperation, QueueSource } from '../db/schema';

/** A Kysely instance or a transaction: every queue operation runs on either. */
export type QueueDb = Kysely<Database> | Transaction<Database>;

/** An item as claimed by a worker: the tds_sync_queue row, column names as in SQL. */
export type QueueItem = QueueItemRow;

/** One event to enqueue. Only entity_type and zoho_id are required. */
export interface EnqueueInput {
  entity_type: string;
  zoho_id: string;
  operation?: QueueOperation;
  /** Any JSON value (the record as Zoho sent it, or nothing for "fetch it"). */
  payload?: unknown;
  /** Zoho's last_modified_time of this version (Date, ISO-8601, or Zoho's `2025-06-03T14:22:47+0300`). */
  zoho_last_modified_time?: Date | string | null;
  source?: QueueSource;
  priority?: number;
  run_after?: Date | null;
  max_retries?: number;
}

/**
 * inserted: a new pending item. replaced: this version replaced the pending item of the same
 * record. ignored: the pending item (or a later event in the same batch) is newer, so nothing changed.
 */
export type EnqueueOutcome = 'inserted' | 'replaced' | 'ignored';

export interface EnqueueResult {
  /** The pending item that now holds this record. */
  id: string;
  outcome: EnqueueOutcome;
}

/** Retry delays: base * 2^attempt (1, 2, 4, 8, 16 s by default), capped, with ± jitter. */
export interface BackoffOptions {
  baseSeconds?: number;
  maxSeconds?: number;
  /** Fraction of the delay added or taken at random (0.2 → ±20 %, delays still grow). */
  jitter?: number;
}

export interface FailureInput {
  id: string;
  error: string;
  retryable: boolean;
}

export type FailOutcome = 'retry' | 'dead_letter' | 'not_held';

/** An item whose handler was kept waiting on Zoho: it runs again at `notBefore` (else after `delaySeconds`, else now). */
export interface DeferralInput {
  id: string;
  reason: string;
  notBefore?: Date;
  delaySeconds?: number;
}

/** deferred / merged: back to pending without an attempt counted; retry / dead_letter: it hit the deferral cap and counted one. */
export interface DeferResult {
  id: string;
  outcome: 'deferred' | 'merged' | FailOutcome;
}

export interface FailResult {
  id: string;
  outcome: FailOutcome;
}

/** Input was refused before it reached the database; nothing was stored. */
export class QueueInputError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid queue input: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`);
    this.name = 'QueueInputError';
    this.problems = problems;
  }
}
