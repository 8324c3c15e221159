import type { Kysely } from 'kysely';
import type { ZohoClient } from '@tsh/zoho-client';
import type { ApplyContext } from '../apply/apply-context';
import type { LoggerLike } from '../db/logger-like';
import type { Database } from '../db/schema';
import type { EntityType } from '../transform/entities';
import type { TransformConfig } from '../transform/config';
import type { QuotaStop } from './quota-stop';

export interface SyncDeps {
  db: Kysely<Database>;
  zoho: ZohoClient;
  /** Mapping options (Arabic-name field, price list names); ignored when `applyContext` is given. */
  config?: Partial<TransformConfig>;
  logger?: LoggerLike;
  /** Caches shared with the queue handlers of this process; created from `config` when absent. */
  applyContext?: ApplyContext;
}

export type SyncMode = 'full' | 'incremental';

export interface SyncEntityOptions {
  mode: SyncMode;
  /** Start an incremental run here instead of at the stored cursor (no overlap is subtracted). */
  since?: Date;
  /** Subtracted from the stored cursor, because Zoho's filter is strictly-greater and clocks differ. Default 5 min. */
  overlapMs?: number;
  onProgress?: (progress: SyncProgressEvent) => void;
  signal?: AbortSignal;
  /** Records applied at once (default 4). */
  concurrency?: number;
}

export interface SyncCounts {
  pages: number;
  fetched: number;
  inserted: number;
  updated: number;
  unchanged: number;
  stale: number;
  deleted: number;
  restored: number;
  /** Records that do not belong in the table (vendor contacts on the customers sync). */
  skipped: number;
  deadLettered: number;
  /** Zoho requests made while the run lasted (from the client's stats, so retries count). */
  requestsUsed: number;
}

export type SyncPhase = 'fetching' | 'applying' | 'reconciling' | 'done' | 'failed' | 'cancelled';

/** A superset of the core's SyncProgress, sent after each page and at each phase change. */
export interface SyncProgressEvent {
  entity: EntityType;
  mode: SyncMode;
  runId: string;
  phase: SyncPhase;
  pages: number;
  /** Records fetched so far. */
  records: number;
  requestsUsed: number;
  /** Records per minute since the run started. */
  ratePerMinute: number | null;
  /** Estimated seconds left (full runs, from the stored row count); null when unknown. */
  etaSeconds: number | null;
  counts: SyncCounts;
}

export type SyncStatus = 'succeeded' | 'failed' | 'cancelled';

export interface SyncRunResult {
  runId: string;
  entity: EntityType;
  mode: SyncMode;
  status: SyncStatus;
  /** Why the run failed or stopped; null when it succeeded. */
  error: string | null;
  counts: SyncCounts;
  startedAt: Date;
  finishedAt: Date;
  /** The entity's cursor after the run (Zoho time up to which every change is applied). */
  cursor: Date | null;
  /** Set when the run stopped because Zoho's daily quota is spent (its checkpoint is kept). */
  quota?: QuotaStop;
}

/** Another process (or call) is already syncing this entity for this organization. */
export class SyncAlreadyRunningError extends Error {
  readonly entity: string;
  constructor(entity: string) {
    super(`a sync of ${entity} is already running for this organization`);
    this.name = 'SyncAlreadyRunningError';
    this.entity = entity;
  }
}

export class SyncInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyncInputError';
  }
}
