import type { Kysely } from 'kysely';
import type { ZohoClient, ZohoValidationError } from '@tsh/zoho-client';
import type { ApplyContext } from '../apply/apply-context';
import { isRetryableError } from '../apply/error-retryable';
import type { ApplyOutcome } from '../apply/types';
import type { LoggerLike } from '../db/logger-like';
import type { Database } from '../db/schema';
import { mapLimit } from '../handlers/map-limit';
import type { EntityType } from '../transform/entities';
import { countOutcome } from './counts';
import { insertSyncDeadLetter } from './dead-letter';
import { RunLockLostError } from './run-lock-lost';
import type { SeenIds } from './seen-ids';
import { advanceCursor } from './sync-state';
import type { SyncCounts, SyncMode, SyncPhase } from './types';

const APPLY_ATTEMPTS = 3;
const RETRY_DELAYS_MS = [200, 1000];

/** The run was stopped through its AbortSignal. */
export class SyncCancelledError extends Error {
  constructor() {
    super('the sync was cancelled');
    this.name = 'SyncCancelledError';
  }
}

/** A record to apply, with what to dead-letter if it is refused. */
export interface RunRecord {
  id: string;
  raw: unknown;
  apply: () => Promise<ApplyOutcome>;
}

export interface SyncRunInit {
  entity: EntityType;
  mode: SyncMode;
  /** Where this run starts (null: from the beginning). */
  since: Date | null;
  /** The run lock's fenced database: each write transaction first checks the run still holds its lock. */
  db: Kysely<Database>;
  zoho: ZohoClient;
  ctx: ApplyContext;
  logger: LoggerLike;
  organizationId: string;
  counts: SyncCounts;
  /** Throws RunLockLostError when the run lock's connection is gone (checked after each page). */
  assertLockHeld: () => Promise<void>;
  /** Present when the run reconciles deletions: every id the pass saw. */
  seen: SeenIds | null;
  concurrency: number;
  signal: AbortSignal | undefined;
  /** Saves counts and reports progress. */
  checkpoint: (phase: SyncPhase) => Promise<void>;
}

/** What a source needs while it walks Zoho: the dependencies, the counts, and the per-page bookkeeping. */
export class SyncRun {
  readonly entity: EntityType;
  readonly mode: SyncMode;
  readonly since: Date | null;
  readonly db: Kysely<Database>;
  readonly zoho: ZohoClient;
  readonly ctx: ApplyContext;
  readonly logger: LoggerLike;
  readonly organizationId: string;
  readonly counts: SyncCounts;
  readonly seen: SeenIds | null;
  private readonly concurrency: number;
  /** The run's cancel signal (the run's Zoho client already carries it). */
  readonly signal: AbortSignal | undefined;
  private readonly checkpoint: (phase: SyncPhase) => Promise<void>;
  private readonly assertLockHeld: () => Promise<void>;
  private latest: { at: number; text: string } | null = null;

  constructor(init: SyncRunInit) {
    ({
      entity: this.entity,
      mode: this.mode,
      since: this.since,
      db: this.db,
      zoho: this.zoho,
      ctx: this.ctx,
      logger: this.logger,
      organizationId: this.organizationId,
      counts: this.counts,
      assertLockHeld: this.assertLockHeld,
      seen: this.seen,
      concurrency: this.concurrency,
      signal: this.signal,
      checkpoint: this.checkpoint,
    } = init);
  }

  throwIfCancelled(): void {
    if (this.signal?.aborted) throw new SyncCancelledError();
  }

  count(outcome: ApplyOutcome, times = 1): void {
    for (let i = 0; i < times; i++) countOutcome(this.counts, outcome);
  }

  /** Remembers the latest Zoho time seen (the end cursor of a pass that cannot advance per page). */
  noteModified(time: string | null): void {
    if (time === null) return;
    const at = Date.parse(time);
    if (!Number.isNaN(at) && (this.latest === null || at > this.latest.at)) this.latest = { at, text: time };
  }

  get latestModified(): string | null {
    return this.latest?.text ?? null;
  }

  async markSeen(ids: readonly string[]): Promise<void> {
    await this.seen?.add(ids);
  }

  async deadLetter(zohoId: string | undefined, raw: unknown, error: unknown): Promise<void> {
    await this.db.transaction().execute((tx) => insertSyncDeadLetter(tx, { entityType: this.entity, zohoId, raw, error }));
    this.counts.deadLettered += 1;
    this.logger.warn({ entity: this.entity, zohoId, err: error instanceof Error ? error.message : String(error) }, 'sync: record dead-lettered');
  }

  async deadLetterInvalid(errors: readonly ZohoValidationError[]): Promise<void> {
    for (const error of errors) await this.deadLetter(error.recordId, error.raw, error);
  }

  /**
   * Applies records, `concurrency` at a time. A record refused for good goes to the DLQ and the run
   * goes on; a retryable failure is tried again a few times, then fails the run (its cursor stays
   * before this page, so nothing is lost).
   */
  async applyAll(records: readonly RunRecord[]): Promise<void> {
    await mapLimit(records, this.concurrency, async (record) => {
      this.throwIfCancelled();
      for (let attempt = 1; ; attempt++) {
        try {
          this.count(await record.apply());
          return;
        } catch (error) {
          if (error instanceof RunLockLostError) throw error; // no record of this run may be written any more
          if (!isRetryableError(error)) {
            await this.deadLetter(record.id, record.raw, error);
            return;
          }
          if (attempt >= APPLY_ATTEMPTS) throw error;
          await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt - 1] ?? 1000));
        }
      }
    });
  }

  /** Closes a page: counts it, moves the cursor when the list order allows it, reports progress. */
  async pageDone(cursor: string | null): Promise<void> {
    this.counts.pages += 1;
    await this.assertLockHeld();
    if (cursor !== null) await this.db.transaction().execute((tx) => advanceCursor(tx, this.entity, this.organizationId, cursor));
    await this.checkpoint('fetching');
    this.throwIfCancelled();
  }

  async phase(phase: SyncPhase): Promise<void> {
    await this.checkpoint(phase);
  }
}
