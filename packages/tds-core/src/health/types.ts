import type { Kysely } from 'kysely';
import type { AlertLevel, Database } from '../db/schema';
import type { HealthThresholds } from './thresholds';

export type HealthStatus = 'healthy' | 'warning' | 'critical' | 'emergency';
export type FindingSeverity = AlertLevel;

/** What the system needs to read its own health. */
export interface HealthDeps {
  db: Kysely<Database>;
  organizationId: string;
  /** The worker pools' heartbeat period (default 5000 ms); a worker is alive when it beat within 3 periods. */
  heartbeatIntervalMs?: number;
  /** The shared Zoho budget (TDS_RATE_LIMIT_PER_MINUTE, default 100 per 60 s window). */
  rateLimit?: { requestsPerMinute?: number; windowMs?: number };
  /** Overrides of the alert thresholds; anything left out keeps its default. */
  thresholds?: HealthThresholdOverrides;
  /** Entities whose last sync is reported (default: products, customers, invoices, bills, stock, pricelists). */
  entities?: readonly string[];
  /** Secret values (client secret, refresh token, webhook secret, admin token) scrubbed from every text shown. */
  secrets?: ReadonlyArray<string | null | undefined>;
  /** How secrets are kept and webhooks authenticated here (docs/security.md); default: plain, hmac. */
  security?: { encryptionKeyId: string | null; webhookAuth: 'hmac' | 'token' };
}

export type HealthThresholdOverrides = { [K in keyof HealthThresholds]?: Partial<HealthThresholds[K]> };

/**
 * One problem, in the seed's error-report layout: how bad, which part, what is wrong, what shows
 * it, what to do. Health conditions (alerts) and diagnostics share this shape.
 */
export interface HealthFinding {
  /** Stable identifier of the condition; one open alert per code. */
  code: string;
  severity: FindingSeverity;
  component: 'queue' | 'dead-letter-queue' | 'workers' | 'sync' | 'zoho-auth' | 'zoho-rate-limit' | 'database' | 'healer' | 'verify';
  problem: string;
  evidence: string[];
  remediation: string;
}

export interface QueueStatusSection {
  pending: number;
  processing: number;
  completed_last_24h: number;
  /** Items in status 'failed' (the seed's column). */
  failed: number;
  /** Pending again after a failed attempt, waiting for their retry. */
  retrying: number;
  /** Pending again after a deferral: kept waiting on Zoho's budget, no attempt counted. */
  deferred: number;
  /** Pending and due now. */
  ready: number;
  /** Processing items whose holder's lease ran out. */
  expired_leases: number;
}

export interface DeadLetterSection {
  total_items: number;
  unresolved: number;
  added_last_24h: number;
}

export interface WorkersSection {
  status: 'running' | 'stopped' | 'crashed' | 'not_started';
  /** Workers (any process) whose heartbeat is younger than 3 heartbeat periods. */
  alive: number;
  /** Workers that neither stopped cleanly nor sent a heartbeat in time. */
  crashed: number;
  known: number;
  /** Items completed per minute over the last 5 minutes. */
  processing_rate: number;
  last_heartbeat_at: string | null;
}

export interface ZohoApiSection {
  token_valid: boolean;
  token_expires_in: number | null;
  token_last_refresh: string | null;
  token_refresh_count: number;
  /**
   * False when Zoho refused the refresh token (invalid_code and friends) and no unexpired access
   * token is left: only a person can fix it. A refused refresh while the stored token still works
   * keeps it true (credential_state `refresh_failed`, a warning).
   */
  credential_valid: boolean;
  /** accepted | refresh_failed (last refresh refused, stored token still valid) | refused (nothing usable left). */
  credential_state: 'accepted' | 'refresh_failed' | 'refused';
  /** The refusal, when credential_state is `refused`. */
  credential_error: { reason: string; at: string | null } | null;
  /** The refusal of the last refresh attempt, when credential_state is `refresh_failed`. */
  refresh_refused: { reason: string; at: string | null } | null;
  /** The last refresh error, scrubbed of secrets. */
  last_error: string | null;
  last_error_at: string | null;
  rate_limit_per_minute: number;
  requests_in_window: number;
  rate_limit_remaining: number;
  in_flight: number;
  daily_quota: { limit: number; remaining: number; reset_at: string } | null;
  daily_quota_remaining: number | null;
  /** Each API's own daily quota (books, inventory): one organization has different limits on each. */
  daily_quota_by_api: Record<string, { limit: number; remaining: number; reset_at: string }>;
  /** How this process stores access tokens: sealed with TDS_ENCRYPTION_KEY, or in plain text. */
  tokens_at_rest: 'encrypted' | 'plain';
  /** Id (not the key) of the key new tokens are sealed with. */
  tokens_at_rest_key_id: string | null;
  /** Id of the key that sealed the stored token; null when it is plain (or there is none). */
  stored_token_key_id: string | null;
  /** How webhook deliveries are authenticated: Zoho's HMAC signature, or the shared TDS_WEBHOOK_TOKEN. */
  webhook_auth: 'hmac' | 'token';
  paused_until: string | null;
  rate_limited_count: number;
  last_429_at: string | null;
}

export interface SyncDelaySection {
  /** Age of the oldest pending item: how far behind Zoho the copy may be right now. */
  oldest_pending_seconds: number;
  /** Receipt (enqueue) to applied, over items completed in the last 24 h. */
  p50_seconds: number | null;
  p95_seconds: number | null;
  average_seconds: number | null;
  samples: number;
}

export interface SuccessMetricsSection {
  /** Completed ÷ (completed + dead-lettered) over the last 24 h, in %. */
  reliability_percent: number | null;
  backlog: number;
  average_delay_seconds: number | null;
  /** Dead-lettered ÷ (completed + dead-lettered) over the last 24 h, in %. */
  failed_percent: number | null;
  /** Successful heal actions ÷ (successful + failed) over the last 24 h, in %. */
  heal_success_percent: number | null;
}

/**
 * "Verified reliability" (docs/verify.md): of the records verify runs compared with Zoho in the
 * window, the share found equal. Without a run in the window it is not measured, never 100 %.
 */
export interface VerifiedReliabilitySection {
  status: 'measured' | 'not measured';
  /** matching / checked in %, two decimals (null when not measured). */
  percent: number | null;
  checked: number;
  matching: number;
  drifted: number;
  missing: number;
  extra: number;
  runs: number;
  window_hours: number;
  last_run_at: string | null;
}

export interface HealthAlert {
  code: string;
  severity: FindingSeverity;
  component: HealthFinding['component'];
  message: string;
  remediation: string;
}

/**
 * The seed's health structure plus status, sync delay, success metrics and the conditions found.
 * A type alias (not an interface) so it fits the core's open `HealthSnapshot`.
 */
export type SystemHealth = {
  status: HealthStatus;
  checked_at: string;
  organization_id: string;
  queue_status: QueueStatusSection;
  dead_letter_queue: DeadLetterSection;
  last_sync_timestamps: Record<string, string | null>;
  /** Seconds since each entity last synced (null: never). */
  last_sync_age_seconds: Record<string, number | null>;
  workers: WorkersSection;
  zoho_api: ZohoApiSection;
  sync_delay_seconds: number;
  sync_delay: SyncDelaySection;
  success_metrics: SuccessMetricsSection;
  verified_reliability: VerifiedReliabilitySection;
  alerts: HealthAlert[];
  /** The same conditions with their evidence (error-report layout). */
  findings: HealthFinding[];
};
