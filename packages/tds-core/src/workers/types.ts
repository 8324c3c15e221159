import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { LoggerLike } from '../db/logger-like';
import type { Database } from '../db/schema';
import type { BackoffOptions, QueueItem } from '../queue/types';

/**
 * What a handler reports per item. A failed item is retried later when `retryable` (one attempt
 * counted), else dead-lettered. A deferred item was kept waiting on Zoho (a rate-limit slot, a 429
 * pause, a spent daily quota): it goes back to pending, due at `notBefore` (else shortly), with no
 * attempt counted (docs/webhooks-and-queue.md).
 */
export type ItemOutcome =
  | { id: string; status: 'completed' }
  | { id: string; status: 'failed'; error: string; retryable: boolean }
  | { id: string; status: 'deferred'; reason: string; notBefore?: Date };

export interface HandlerContext {
  workerId: string;
  /** Aborted when the handler ran past its time limit or the pool is stopping past its grace period. */
  signal: AbortSignal;
  /** The handler's time limit (when the signal fires), for telling a slow answer from an unlucky one. */
  timeoutMs?: number;
}

/**
 * Processes the items of one entity type from one claimed batch. It returns one outcome per item;
 * if it throws, every item of the call fails as retryable; an item it says nothing about fails as
 * retryable too.
 */
export type BatchHandler = (items: QueueItem[], ctx: HandlerContext) => Promise<ItemOutcome[]>;

export interface WorkerPoolOptions {
  db: Kysely<Database>;
  /** The pg Pool under `db`; one of its connections LISTENs for new work. */
  pool: pg.Pool;
  /** One handler per entity type (queue item `entity_type`). */
  handlers: Record<string, BatchHandler>;
  /** Workers in this process (TDS_WORKERS). Default 2. */
  concurrency?: number;
  /** Items claimed at once by a worker, 1–10 000. Default 200 (DEFAULT_WORKER_BATCH_SIZE, docs/webhooks-and-queue.md). */
  batchSize?: number;
  /** Lease of claimed items (TDS_LEASE_SECONDS), renewed by heartbeats while they are processed. Default 60. */
  leaseSeconds?: number;
  /** Polling fallback when no NOTIFY arrives. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Heartbeat and lease renewal period. Default min(5 s, lease / 3). */
  heartbeatMs?: number;
  /** A handler still running after this long is abandoned and its items retried. Default: the lease. */
  handlerTimeoutMs?: number;
  /** Retry delays of failed items. Default 1, 2, 4, 8, 16 s ± 20 %. */
  backoff?: BackoffOptions;
  /** Deferrals in a row after which the next one counts as a failed attempt (queue/defer.ts). Default 20. */
  maxDeferrals?: number;
  logger?: LoggerLike;
  /** NOTIFY channel. Default 'tds_queue' (the queue's insert trigger). */
  channel?: string;
}

export type WorkerState = 'idle' | 'processing' | 'stopping' | 'stopped';

export interface WorkerStatus {
  workerId: string;
  state: WorkerState;
  inFlight: number;
  processed: number;
  failed: number;
  /** Items given back without an attempt because Zoho kept them waiting. */
  deferred: number;
  startedAt: Date;
  lastClaimAt: Date | null;
  lastCompletedAt: Date | null;
  lastError: string | null;
}

export interface WorkerPoolStatus {
  state: 'new' | 'running' | 'stopping' | 'stopped';
  workers: WorkerStatus[];
  listener: { connected: boolean; reconnects: number; backendPid: number | null };
  processed: number;
  failed: number;
  deferred: number;
}

export interface WorkerPool {
  start(): Promise<void>;
  /** Stops claiming, lets in-flight batches finish within graceMs (default 10 s), then releases what is left to pending. */
  stop(options?: { graceMs?: number }): Promise<void>;
  restart(options?: { graceMs?: number }): Promise<void>;
  status(): WorkerPoolStatus;
}

export class WorkerPoolConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerPoolConfigError';
  }
}
