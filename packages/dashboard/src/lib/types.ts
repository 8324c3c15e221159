// The shapes the dashboard reads from @tsh/tds-express (JSON: dates arrive as ISO strings).

import type { ChangeWebhookStatus } from './trace-types';

export type HealthStatus = 'healthy' | 'warning' | 'critical' | 'emergency';
export type Severity = 'info' | 'warning' | 'critical' | 'emergency';

export interface QueueStatus {
  pending: number;
  ready: number;
  retrying: number;
  processing: number;
  expired_leases: number;
  completed: number;
  completed_last_24h: number;
  failed: number;
  dead_letters: number;
  dead_letters_open: number;
  oldest_pending_at: string | null;
  by_entity: Array<{ entity_type: string; pending: number; processing: number }>;
}

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

export interface ThroughputMinute {
  minute: string;
  completed: number;
  dead_lettered: number;
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

export interface EntityStats {
  entity: string;
  table: string;
  rows: number;
  deleted_rows: number;
  last_sync_at: string | null;
  last_full_sync_at: string | null;
  last_incremental_sync_at: string | null;
  cursor: string | null;
  last_run_status: string | null;
  last_error: string | null;
  queue_pending: number;
  queue_processing: number;
  dead_letters_open: number;
  last_run: { id: string; mode: string; status: string; started_at: string; finished_at: string | null; counts: unknown; error: string | null } | null;
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

export interface StoredAlert {
  id: string;
  code: string;
  severity: Severity;
  message: string;
  component: string | null;
  remediation: string | null;
  evidence: string[];
  created_at: string;
  resolved_at: string | null;
}

export interface HealAction {
  id: string;
  action: string;
  target: string | null;
  outcome: 'success' | 'failure' | 'noop';
  details: unknown;
  created_at: string;
}

export const ENTITIES = ['products', 'customers', 'invoices', 'bills', 'stock', 'pricelists'] as const;

/** One recorded `tds verify` run (GET /api/tds/verify/runs). */
export interface VerifyRun {
  id: string;
  trigger: string;
  sample: number | null;
  repair: boolean;
  ok: boolean;
  checked: number;
  matching: number;
  drifted: number;
  missing: number;
  extra: number;
  repaired: number;
  requests: number;
  started_at: string;
  finished_at: string;
  notes: string[];
  entities: Array<{
    entity: string;
    checked: number;
    matching: number;
    complete: boolean;
    drifted: Array<{ zoho_id: string; columns: Array<{ column: string; stored: unknown; zoho: unknown }> }>;
    missing: string[];
    extra: string[];
    unrepaired: string[];
  }>;
}

/** matching / checked over the verify runs of the last 24 h (ratio null: not measured). */
export interface VerifiedReliability {
  ratio: number | null;
  checked: number;
  matching: number;
  drifted: number;
  missing: number;
  extra: number;
  runs: number;
  windowHours: number;
  lastRunAt: string | null;
}

export interface VerifyRequest {
  entities: string[] | 'all';
  repair: boolean;
}
