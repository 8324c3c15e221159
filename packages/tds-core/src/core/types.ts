import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { ZohoClient } from '@tsh/zoho-client';
import type { Database } from '../db/schema';
import type { RequestEstimate } from '../sync/request-estimate';
import type { TdsVerifyApi } from '../verify/core-api';
import type { TdsChangesApi } from '../changes/core-api';
import type { TdsDashboardReads } from './dashboard-reads';
import type { QueueStats } from '../queue/queue-stats';
import type { DeadLetterRow } from '../db/schema';
import type { SyncRunResult } from '../sync/types';
import type { SyncSkipped } from '../sync/sync-all';
import type { SyncJob } from './sync-runs';
import type { TokenStatus } from '../zoho-access/postgres-token-store';
import type { HealRunResult } from '../healer/types';
import type { EntityType } from '../transform/entities';
import type { WebhookDelivery, WebhookIngestResult, WebhookStreamDelivery } from '../webhooks/types';

/**
 * The one object every adapter talks to. Adapters parse input, call one of these, format the
 * answer; anything two adapters would both need lives behind this interface.
 * Result shapes are plain JSON-able objects (Dates allowed) so adapters can print or send them.
 */
export interface TdsCore extends TdsVerifyApi, TdsChangesApi {
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  readonly organizationId: string;
  readonly zoho: ZohoClient;
  /** What the dashboard reads (entity stats, alerts, heal log, throughput, verify runs). */
  readonly dashboard: TdsDashboardReads;

  webhooks: {
    /** Verifies, parses and durably stores one delivery (inbox row + queue item in one transaction). Throws WebhookRejectedError. */
    ingest(delivery: WebhookDelivery): Promise<WebhookIngestResult>;
    /** The same for a body still arriving: read to its end (never held whole when its record is fetched from Zoho anyway). */
    ingestStream(delivery: WebhookStreamDelivery): Promise<WebhookIngestResult>;
  };

  queue: {
    status(): Promise<QueueStats>;
    clearLocks(options?: { olderThanMinutes?: number }): Promise<{ cleared: number }>;
  };

  dlq: {
    list(filter?: { entityType?: string; includeResolved?: boolean; limit?: number; offset?: number }): Promise<DeadLetterRow[]>;
    retry(target: string | 'all'): Promise<{ retried: number }>;
    resolve(id: string, note: string): Promise<{ resolved: boolean }>;
  };

  sync: {
    /**
     * Runs to completion (drains its own work) and returns one result per entity. Products with
     * no price list stored yet sync the price lists first (their prices come from them). An
     * unknown entity rejects with SyncInputError.
     */
    run(entities: ReadonlyArray<EntityType> | 'all', options?: SyncOptions): Promise<SyncOutcome[]>;
    /** Starts in the background; progress via getRun. */
    start(entities: ReadonlyArray<EntityType> | 'all', options?: SyncOptions): Promise<{ runId: string }>;
    getRun(runId: string): Promise<SyncJob | null>;
    /** Requests a full sync of these entities will likely need per Zoho API, and what is left of each daily quota. */
    estimateFull(entities: ReadonlyArray<EntityType> | 'all'): Promise<RequestEstimate[]>;
  };

  token: {
    /** The stored token's state (never the token itself) and whether a refresh token is configured. */
    status(): Promise<TokenStatus & { configured: boolean }>;
    refresh(): Promise<{ refreshed: true; expiresAt: Date }>;
  };

  health: {
    /** The seed's health structure plus `status`: 'healthy' | 'warning' | 'critical' | 'emergency'. */
    get(): Promise<HealthSnapshot>;
    metrics(): Promise<{ contentType: string; body: string }>;
    /** The status report and error report texts of the seed; `format: 'json'` returns the same data as an object. */
    report(format: 'text' | 'json'): Promise<string | Record<string, unknown>>;
  };

  healer: {
    runOnce(): Promise<HealRunResult>;
  };

  /** Starts what a long-running process runs: workers, healer, scheduled syncs (each optional). */
  start(options?: { workers?: boolean; healer?: boolean; scheduler?: boolean }): Promise<void>;
  /** Stops everything started, releases queue locks, closes the database (and the embedded server). */
  close(): Promise<void>;
}

/** One entity's sync: its run, or why it was skipped (a sync of it was already running elsewhere). */
export type SyncOutcome = SyncRunResult | SyncSkipped;

export interface SyncOptions {
  mode?: 'full' | 'incremental';
  since?: Date;
  onProgress?: (progress: SyncProgress) => void;
  signal?: AbortSignal;
}

export interface SyncProgress {
  entity: string;
  phase: 'fetching' | 'applying' | 'reconciling' | 'done' | 'failed' | 'cancelled';
  pages: number;
  records: number;
  requestsUsed: number;
  ratePerMinute: number | null;
  etaSeconds: number | null;
}

export interface HealthSnapshot {
  status: 'healthy' | 'warning' | 'critical' | 'emergency';
  [key: string]: unknown;
}

// The webhook intake's own types live in webhooks/ (so webhooks never imports core); re-exported here
// because TdsCore's methods speak them.
export type { WebhookDelivery, WebhookStreamDelivery, WebhookIngestResult } from '../webhooks/types';
export { WebhookRejectedError } from '../webhooks/webhook-rejected-error';
