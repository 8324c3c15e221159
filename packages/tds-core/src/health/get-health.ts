import { sql } from 'kysely';
import { healSuccessRate } from './sql/heal-success-rate';
import { queueStats } from '../queue/queue-stats';
import { entityTypes } from '../transform/entities';
import { readTokenStatus } from '../zoho-access/postgres-token-store';
import { readRateLimitStatus } from '../zoho-access/rate-limit-sql';
import { evaluateConditions, type HealthSections } from './conditions';
import { isoOrNull, statusOf } from './format';
import { scrubbedSnippet } from './sanitize';
import { readLastSyncs } from './sql/read-last-syncs';
import { readThroughput } from './sql/read-throughput';
import { notMeasured, readVerifiedReliabilitySection } from './sql/read-verified-reliability';
import { readWorkerLiveness } from './sql/read-worker-liveness';
import { resolveThresholds } from './thresholds';
import type { HealthDeps, HealthFinding, SystemHealth } from './types';
import { credentialStateOf } from './zoho-credential';

const DAY_MS = 24 * 3600 * 1000;
const round = (n: number | null, digits = 2) => (n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits);

/** The configured side of the security lines: what this process does, whatever is stored. */
function securityOf(deps: Pick<HealthDeps, 'security'>) {
  const keyId = deps.security?.encryptionKeyId ?? null;
  return {
    tokens_at_rest: keyId ? ('encrypted' as const) : ('plain' as const),
    tokens_at_rest_key_id: keyId,
    webhook_auth: deps.security?.webhookAuth ?? ('hmac' as const),
  };
}

/** Reads everything health shows, in parallel; throws when the database cannot answer. */
async function measure(deps: HealthDeps): Promise<HealthSections> {
  const { db, organizationId } = deps;
  const heartbeatMs = deps.heartbeatIntervalMs ?? 5000;
  const perMinute = deps.rateLimit?.requestsPerMinute ?? 100;
  const windowMs = deps.rateLimit?.windowMs ?? 60_000;
  const entities = deps.entities ?? entityTypes;
  const secrets = deps.secrets ?? [];

  const [now, queue, throughput, lastSyncs, workers, token, rate, verified] = await Promise.all([
    sql<{ now: Date }>`SELECT now() AS now`.execute(db).then((r) => r.rows[0].now),
    queueStats(db),
    readThroughput(db),
    readLastSyncs(db, organizationId, entities),
    readWorkerLiveness(db, heartbeatMs * 3),
    readTokenStatus(db, organizationId),
    readRateLimitStatus(db, organizationId, windowMs),
    readVerifiedReliabilitySection(db),
  ]);
  const heal = await healSuccessRate(db, new Date(now.getTime() - DAY_MS));

  // A refused refresh does not make the stored token unusable: it works until it expires.
  const credential = credentialStateOf(token);
  const refusal = credential.reason ? { reason: credential.reason, at: isoOrNull(token.lastErrorAt) } : null;
  const tokenValid = token.hasToken && (token.expiresInSeconds ?? 0) > 0;
  const processingRate = round(throughput.completed_last_5m / 5, 1) ?? 0;
  // Records applied by sync runs count as well as queue completions: dead letters come from both.
  const succeeded = throughput.completed_last_24h + throughput.synced_last_24h;
  const finished = succeeded + throughput.dead_lettered_last_24h;

  return {
    checked_at: now.toISOString(),
    organization_id: organizationId,
    queue_status: {
      pending: queue.pending,
      processing: queue.processing,
      completed_last_24h: queue.completed_last_24h,
      failed: queue.failed,
      retrying: queue.retrying,
      deferred: queue.deferred,
      ready: queue.ready,
      expired_leases: queue.expired_leases,
    },
    dead_letter_queue: { total_items: queue.dead_letters, unresolved: queue.dead_letters_open, added_last_24h: throughput.dead_lettered_last_24h },
    last_sync_timestamps: Object.fromEntries(lastSyncs.map((s) => [s.entity, isoOrNull(s.last_sync_at)])),
    last_sync_age_seconds: Object.fromEntries(lastSyncs.map((s) => [s.entity, s.age_seconds === null ? null : Math.round(s.age_seconds)])),
    workers: {
      status: workers.alive > 0 ? 'running' : workers.crashed > 0 ? 'crashed' : workers.known > 0 ? 'stopped' : 'not_started',
      alive: workers.alive,
      crashed: workers.crashed,
      known: workers.known,
      processing_rate: processingRate,
      last_heartbeat_at: isoOrNull(workers.last_heartbeat_at),
    },
    zoho_api: {
      token_valid: tokenValid,
      token_expires_in: token.expiresInSeconds,
      token_last_refresh: isoOrNull(token.lastRefreshAt),
      token_refresh_count: token.refreshCount,
      credential_valid: credential.state !== 'refused',
      credential_state: credential.state,
      credential_error: credential.state === 'refused' ? refusal : null,
      refresh_refused: credential.state === 'refresh_failed' ? refusal : null,
      last_error: scrubbedSnippet(token.lastError, secrets),
      last_error_at: isoOrNull(token.lastErrorAt),
      rate_limit_per_minute: perMinute,
      requests_in_window: rate.usedInWindow,
      rate_limit_remaining: Math.max(0, perMinute - rate.usedInWindow),
      in_flight: rate.inFlight,
      daily_quota: rate.daily ? { limit: rate.daily.limit, remaining: rate.daily.remaining, reset_at: rate.daily.resetAt.toISOString() } : null,
      daily_quota_remaining: rate.daily?.remaining ?? null,
      daily_quota_by_api: Object.fromEntries(
        Object.entries(rate.dailyByApi).map(([api, q]) => [api, { limit: q.limit, remaining: q.remaining, reset_at: q.resetAt.toISOString() }]),
      ),
      ...securityOf(deps),
      stored_token_key_id: token.storedKeyId,
      paused_until: isoOrNull(rate.pausedUntil),
      rate_limited_count: rate.rateLimitedCount,
      last_429_at: isoOrNull(rate.last429At),
    },
    sync_delay_seconds: Math.round(throughput.oldest_pending_seconds),
    sync_delay: {
      oldest_pending_seconds: Math.round(throughput.oldest_pending_seconds),
      p50_seconds: round(throughput.delay_p50_seconds, 1),
      p95_seconds: round(throughput.delay_p95_seconds, 1),
      average_seconds: round(throughput.delay_average_seconds, 1),
      samples: throughput.completed_last_24h,
    },
    success_metrics: {
      reliability_percent: finished === 0 ? null : round((succeeded / finished) * 100),
      backlog: queue.pending,
      average_delay_seconds: round(throughput.delay_average_seconds, 1),
      failed_percent: finished === 0 ? null : round((throughput.dead_lettered_last_24h / finished) * 100),
      heal_success_percent: heal.rate === null ? null : round(heal.rate * 100),
    },
    verified_reliability: verified,
  };
}

function withFindings(sections: HealthSections, findings: HealthFinding[]): SystemHealth {
  return {
    status: statusOf(findings.map((f) => f.severity)),
    ...sections,
    alerts: findings
      .filter((f) => f.severity !== 'info')
      .map((f) => ({ code: f.code, severity: f.severity, component: f.component, message: f.problem, remediation: f.remediation })),
    findings,
  };
}

/**
 * The answer when the database itself cannot be read: an emergency, with nothing else known.
 * Exported for callers that could not even open the database (`tds health` with it down).
 */
export function databaseLost(deps: Omit<HealthDeps, 'db'>, error: unknown): SystemHealth {
  const detail = scrubbedSnippet(error instanceof Error ? `${error.name}: ${error.message}` : String(error), deps.secrets ?? []) ?? 'unknown error';
  const entities = deps.entities ?? entityTypes;
  const perMinute = deps.rateLimit?.requestsPerMinute ?? 100;
  const sections: HealthSections = {
    checked_at: new Date().toISOString(),
    organization_id: deps.organizationId,
    queue_status: { pending: 0, processing: 0, completed_last_24h: 0, failed: 0, retrying: 0, deferred: 0, ready: 0, expired_leases: 0 },
    dead_letter_queue: { total_items: 0, unresolved: 0, added_last_24h: 0 },
    last_sync_timestamps: Object.fromEntries(entities.map((e) => [e, null])),
    last_sync_age_seconds: Object.fromEntries(entities.map((e) => [e, null])),
    workers: { status: 'not_started', alive: 0, crashed: 0, known: 0, processing_rate: 0, last_heartbeat_at: null },
    zoho_api: {
      token_valid: false,
      token_expires_in: null,
      token_last_refresh: null,
      token_refresh_count: 0,
      credential_valid: true,
      credential_state: 'accepted',
      credential_error: null,
      refresh_refused: null,
      last_error: null,
      last_error_at: null,
      rate_limit_per_minute: perMinute,
      requests_in_window: 0,
      rate_limit_remaining: 0,
      in_flight: 0,
      daily_quota: null,
      daily_quota_remaining: null,
      daily_quota_by_api: {},
      ...securityOf(deps),
      stored_token_key_id: null,
      paused_until: null,
      rate_limited_count: 0,
      last_429_at: null,
    },
    sync_delay_seconds: 0,
    sync_delay: { oldest_pending_seconds: 0, p50_seconds: null, p95_seconds: null, average_seconds: null, samples: 0 },
    success_metrics: { reliability_percent: null, backlog: 0, average_delay_seconds: null, failed_percent: null, heal_success_percent: null },
    verified_reliability: notMeasured(),
  };
  return withFindings(sections, [
    {
      code: 'database_unreachable',
      severity: 'emergency',
      component: 'database',
      problem: 'the database cannot be read: nothing is being synced or stored',
      evidence: [detail],
      remediation:
        'Check that PostgreSQL is running and reachable at DATABASE_URL (host, port, credentials, max_connections); ' +
        'Zoho keeps retrying webhooks for a while, and a sync after recovery fills any gap.',
    },
  ]);
}

/**
 * The seed's health structure, measured from the database every process shares, with the alert
 * conditions it shows and an overall status. A database that cannot be read does not throw: it is
 * itself the answer (emergency). Never contains a secret. Throws only on bad threshold overrides.
 */
export async function getHealth(deps: HealthDeps): Promise<SystemHealth> {
  const thresholds = resolveThresholds(deps.thresholds);
  let sections: HealthSections;
  try {
    sections = await measure(deps);
  } catch (error) {
    return databaseLost(deps, error);
  }
  return withFindings(sections, evaluateConditions({ health: sections, thresholds }));
}
