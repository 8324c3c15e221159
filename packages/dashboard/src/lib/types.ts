// The shapes the dashboard reads from @tsh/tds-express (JSON: dates arrive as ISO strings). Results
// the core's facade types are imported from it (type-only: nothing of the core is bundled).

import type {
  EntityStats as CoreEntityStats,
  HealLogEntry,
  QueueStats,
  StoredAlert as CoreStoredAlert,
  ThroughputMinute as CoreThroughputMinute,
  VerifiedReliability as CoreVerifiedReliability,
  VerifyRunSummary,
} from '@tsh/tds-core';
import type { OverHttp } from './over-http';
import type { ChangeWebhookStatus } from './trace-types';

export type QueueStatus = OverHttp<QueueStats>;
export type ThroughputMinute = OverHttp<CoreThroughputMinute>;
export type EntityStats = OverHttp<CoreEntityStats>;
export type StoredAlert = OverHttp<CoreStoredAlert>;
/** The heal log's details are whatever the action recorded: left unknown for the view to narrow. */
export type HealAction = Omit<OverHttp<HealLogEntry>, 'details'> & { details: unknown };
/** One recorded `tds verify` run (GET /api/tds/verify/runs). */
export type VerifyRun = OverHttp<VerifyRunSummary>;
/** matching / checked over the verify runs of the last 24 h (ratio null: not measured). */
export type VerifiedReliability = OverHttp<CoreVerifiedReliability>;

export type HealthStatus = 'healthy' | 'warning' | 'critical' | 'emergency';
export type Severity = 'info' | 'warning' | 'critical' | 'emergency';

export interface HealthAlert {
  code: string;
  severity: Severity;
  component: string;
  message: string;
  remediation: string;
}

export interface Health {
  status: HealthStatus;
  checked_at: string;
  queue_status: { pending: number; processing: number; completed_last_24h: number; failed: number; retrying: number; ready: number; expired_leases: number };
  dead_letter_queue: { total_items: number; unresolved: number; added_last_24h: number };
  last_sync_timestamps: Record<string, string | null>;
  last_sync_age_seconds: Record<string, number | null>;
  workers: { status: string; alive: number; crashed: number; known: number; processing_rate: number; last_heartbeat_at: string | null };
  zoho_api: {
    token_valid: boolean;
    token_expires_in: number | null;
    token_last_refresh: string | null;
    credential_valid: boolean;
    credential_error: { reason: string; at: string | null } | null;
    /** accepted; refresh_failed: the last refresh was refused but the stored token still works (a warning); refused. */
    credential_state?: 'accepted' | 'refresh_failed' | 'refused';
    refresh_refused?: { reason: string; at: string | null } | null;
    rate_limit_per_minute: number;
    requests_in_window: number;
    rate_limit_remaining: number;
    daily_quota: { limit: number; remaining: number; reset_at: string } | null;
    daily_quota_remaining: number | null;
    paused_until: string | null;
  };
  sync_delay_seconds: number;
  sync_delay: { oldest_pending_seconds: number; p50_seconds: number | null; p95_seconds: number | null; average_seconds: number | null; samples: number };
  success_metrics: { reliability_percent: number | null; failed_percent: number | null; heal_success_percent: number | null };
  alerts: HealthAlert[];
  /** The outgoing change webhook's delivery, when one is configured. */
  change_webhook?: ChangeWebhookStatus;
}

/** One tick of GET /api/tds/events. */
export interface LiveSnapshot {
  at: string;
  health: Health;
  queue: QueueStatus;
  throughput: ThroughputMinute[];
}

export interface DeadLetter {
  id: string;
  original_queue_id: string | null;
  entity_type: string;
  zoho_id: string;
  operation: 'upsert' | 'delete';
  payload: unknown;
  error: string;
  retry_count: number;
  source: string | null;
  failed_at: string;
  resolved_at: string | null;
  resolution_note: string | null;
  retried_at: string | null;
}

export interface DeadLetterFilter {
  entity?: string;
  includeResolved?: boolean;
}

export type SyncMode = 'incremental' | 'full';
export type SyncPhase = 'fetching' | 'applying' | 'reconciling' | 'done' | 'failed';

export interface SyncProgress {
  entity: string;
  phase: SyncPhase;
  pages: number;
  records: number;
  requestsUsed: number;
  ratePerMinute: number | null;
  etaSeconds: number | null;
}

/** A background sync run (GET /api/tds/sync/runs/:id and its events). */
export interface SyncRun {
  runId: string;
  entities: string[];
  mode: SyncMode;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  progress: Record<string, SyncProgress>;
  results: Array<Record<string, unknown>>;
  error: string | null;
}

export const ENTITIES = ['products', 'customers', 'invoices', 'bills', 'stock', 'pricelists'] as const;

export interface VerifyRequest {
  entities: string[] | 'all';
  repair: boolean;
}
