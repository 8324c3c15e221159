import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ZohoHooks } from '@tsh/zoho-client';
import type { VerifyReport } from '../verify/types';
import { totalsOf } from '../verify/verify-runs';
import type { BatchHandler } from '../workers/types';
import { severityRank } from './format';
import { getHealth } from './get-health';
import { readEntityOutcomes, type EntityOutcomes } from './sql/read-entity-outcomes';
import type { HealthDeps, SystemHealth } from './types';

const nullable = (value: number | null | undefined) => (value === null || value === undefined ? Number.NaN : value);

/**
 * TDS metrics on a Registry of their own (an application's default registry is left alone).
 * Gauges are set from the shared database at scrape time, so every process shows the cluster's
 * view; counters and histograms count what this process did (Zoho calls, handler batches).
 */
export function createHealthMetrics(options: { registry?: Registry } = {}) {
  const registry = options.registry ?? new Registry();
  const registers = [registry];
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers });

  const g = {
    status: gauge('tds_health_status', 'Overall health: 0 healthy, 1 warning, 2 critical, 3 emergency'),
    alerts: gauge('tds_alerts_active', 'Alert conditions present now, by severity', ['severity']),
    queue: gauge('tds_queue_items', 'Queue items by status', ['status']),
    queueByEntity: gauge('tds_queue_items_by_entity', 'Pending and processing queue items by entity type', ['entity', 'status']),
    processed24h: gauge('tds_items_finished_last_24h', 'Items that finished in the last 24 h by entity type and outcome', ['entity', 'outcome']),
    completed24h: gauge('tds_queue_completed_last_24h', 'Items completed in the last 24 h'),
    dlq: gauge('tds_dead_letter_items', 'Dead-letter queue entries (unresolved: neither resolved nor retried)', ['state']),
    lastSyncAge: gauge('tds_last_sync_age_seconds', 'Seconds since each entity last synced (+Inf: never)', ['entity']),
    workersAlive: gauge('tds_workers_alive', 'Workers of every process with a recent heartbeat'),
    workersCrashed: gauge('tds_workers_crashed', 'Workers that neither stopped cleanly nor sent a heartbeat in time'),
    rate: gauge('tds_processing_rate_per_minute', 'Items completed per minute over the last 5 minutes'),
    delay: gauge('tds_sync_delay_seconds', 'Age of the oldest pending item'),
    delayQuantile: gauge('tds_sync_delay_quantile_seconds', 'Receipt-to-applied delay over the last 24 h', ['quantile']),
    tokenValid: gauge('tds_zoho_token_valid', '1 when an unexpired Zoho access token is stored'),
    credentialValid: gauge('tds_zoho_credential_valid', '0 when Zoho refused the refresh token and no unexpired access token is left (re-authorization needed)'),
    tokenExpires: gauge('tds_zoho_token_expires_in_seconds', 'Seconds until the shared access token expires'),
    tokenRefreshes: gauge('tds_zoho_token_refresh_count', 'Access tokens minted for this organization (all processes)'),
    rateRemaining: gauge('tds_zoho_rate_limit_remaining', 'Zoho requests left in the current window (all processes)'),
    rateLimit: gauge('tds_zoho_rate_limit_per_minute', 'Configured Zoho requests per window'),
    dailyRemaining: gauge('tds_zoho_daily_quota_remaining', 'Daily Zoho requests left, from X-Rate-Limit-Remaining'),
    dailyRemainingByApi: gauge('tds_zoho_daily_quota_api_remaining', "Daily Zoho requests left per API (books, inventory: each has its own quota), from that API's X-Rate-Limit-Remaining", ['api']),
    dailyLimitByApi: gauge('tds_zoho_daily_quota_api_limit', "Daily Zoho request quota per API, from that API's X-Rate-Limit-Limit", ['api']),
    rateLimited: gauge('tds_zoho_rate_limited_count', '429 answers from Zoho (all processes)'),
    paused: gauge('tds_zoho_paused', '1 while every process pauses Zoho calls after a 429'),
    healRate: gauge('tds_heal_success_ratio', 'Successful heal actions over successful + failed, last 24 h'),
    reliability: gauge('tds_sync_reliability_ratio', 'Completed over completed + dead-lettered, last 24 h'),
    verifiedReliability: gauge('tds_verified_reliability_ratio', 'Records equal to Zoho over records checked by verify runs, last 24 h (NaN: not measured)'),
    verifyChecked: gauge('tds_verify_checked_last_24h', 'Records compared with Zoho by verify runs in the last 24 h'),
    verifyDifferent: gauge('tds_verify_different_last_24h', 'Records found different from Zoho in the last 24 h, by kind', ['kind']),
    verifyRuns: gauge('tds_verify_runs_last_24h', 'Verify runs that finished in the last 24 h'),
  };

  const c = {
    zohoRequests: new Counter({ name: 'tds_zoho_requests_total', help: 'Zoho API responses seen by this process by API and HTTP status (0: none)', labelNames: ['api', 'status'], registers }),
    zohoDuration: new Histogram({
      name: 'tds_zoho_request_duration_seconds',
      help: 'Zoho API request duration in this process',
      labelNames: ['api'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    zoho429: new Counter({ name: 'tds_zoho_429_total', help: '429 answers seen by this process', registers }),
    zohoWaits: new Counter({ name: 'tds_zoho_rate_limit_waits_total', help: 'Waits imposed on this process by Zoho limits', labelNames: ['reason'], registers }),
    tokenRefreshes: new Counter({ name: 'tds_zoho_token_refreshes_total', help: 'Token refreshes attempted by this process', labelNames: ['outcome'], registers }),
    items: new Counter({ name: 'tds_items_processed_total', help: 'Items handled by this process by entity type and outcome', labelNames: ['entity', 'outcome'], registers }),
    verifyRuns: new Counter({ name: 'tds_verify_runs_total', help: 'Verify runs made by this process, by outcome (ok, drift)', labelNames: ['outcome'], registers }),
    verifyChecked: new Counter({ name: 'tds_verify_checked_total', help: 'Records compared with Zoho by this process', registers }),
    verifyDrifted: new Counter({ name: 'tds_verify_drifted_total', help: 'Records found different from Zoho by this process, by kind', labelNames: ['kind'], registers }),
    batchDuration: new Histogram({
      name: 'tds_batch_duration_seconds',
      help: 'Handler time per batch in this process',
      labelNames: ['entity'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
  };

  /** zoho-client hooks that feed the process counters; pass them as the client's `hooks`. */
  const zohoHooks: ZohoHooks = {
    onResponse(event) {
      c.zohoRequests.inc({ api: event.api, status: String(event.status) });
      c.zohoDuration.observe({ api: event.api }, event.durationMs / 1000);
      if (event.status === 429) c.zoho429.inc();
    },
    onRateLimitWait(event) {
      c.zohoWaits.inc({ reason: event.reason });
    },
    onTokenRefresh(event) {
      c.tokenRefreshes.inc({ outcome: event.ok ? 'ok' : 'failed' });
    },
  };

  /** Wraps worker handlers so that batch durations and item outcomes are counted. */
  function instrumentHandlers(handlers: Record<string, BatchHandler>): Record<string, BatchHandler> {
    return Object.fromEntries(
      Object.entries(handlers).map(([entity, handler]) => [
        entity,
        (async (items, ctx) => {
          const end = c.batchDuration.startTimer({ entity });
          try {
            const outcomes = await handler(items, ctx);
            for (const o of Array.isArray(outcomes) ? outcomes : []) c.items.inc({ entity, outcome: o?.status === 'completed' ? 'completed' : 'failed' });
            return outcomes;
          } catch (error) {
            c.items.inc({ entity, outcome: 'failed' }, items.length);
            throw error;
          } finally {
            end();
          }
        }) satisfies BatchHandler,
      ]),
    );
  }

  /** Sets the gauges from a health reading (and per-entity outcomes, when given). */
  function update(health: SystemHealth, entities: readonly EntityOutcomes[] = []): void {
    for (const gaugeOfSet of Object.values(g)) gaugeOfSet.reset();
    g.status.set(severityRank(health.status));
    for (const severity of ['warning', 'critical', 'emergency'] as const) {
      g.alerts.set({ severity }, health.alerts.filter((a) => a.severity === severity).length);
    }
    const q = health.queue_status;
    for (const status of ['pending', 'processing', 'failed', 'retrying', 'deferred', 'ready', 'expired_leases'] as const) g.queue.set({ status }, q[status]);
    g.completed24h.set(q.completed_last_24h);
    for (const e of entities) {
      g.queueByEntity.set({ entity: e.entity_type, status: 'pending' }, e.pending);
      g.queueByEntity.set({ entity: e.entity_type, status: 'processing' }, e.processing);
      g.processed24h.set({ entity: e.entity_type, outcome: 'completed' }, e.completed_last_24h);
      g.processed24h.set({ entity: e.entity_type, outcome: 'dead_lettered' }, e.dead_lettered_last_24h);
    }
    g.dlq.set({ state: 'unresolved' }, health.dead_letter_queue.unresolved);
    g.dlq.set({ state: 'total' }, health.dead_letter_queue.total_items);
    for (const [entity, age] of Object.entries(health.last_sync_age_seconds)) g.lastSyncAge.set({ entity }, age ?? Number.POSITIVE_INFINITY);
    g.workersAlive.set(health.workers.alive);
    g.workersCrashed.set(health.workers.crashed);
    g.rate.set(health.workers.processing_rate);
    g.delay.set(health.sync_delay_seconds);
    g.delayQuantile.set({ quantile: '0.5' }, nullable(health.sync_delay.p50_seconds));
    g.delayQuantile.set({ quantile: '0.95' }, nullable(health.sync_delay.p95_seconds));
    const z = health.zoho_api;
    g.tokenValid.set(z.token_valid ? 1 : 0);
    g.credentialValid.set(z.credential_valid ? 1 : 0);
    g.tokenExpires.set(nullable(z.token_expires_in));
    g.tokenRefreshes.set(z.token_refresh_count);
    g.rateRemaining.set(z.rate_limit_remaining);
    g.rateLimit.set(z.rate_limit_per_minute);
    g.dailyRemaining.set(nullable(z.daily_quota_remaining));
    for (const [api, quota] of Object.entries(z.daily_quota_by_api)) {
      g.dailyRemainingByApi.set({ api }, quota.remaining);
      g.dailyLimitByApi.set({ api }, quota.limit);
    }
    g.rateLimited.set(z.rate_limited_count);
    g.paused.set(z.paused_until ? 1 : 0);
    const s = health.success_metrics;
    g.healRate.set(s.heal_success_percent === null ? Number.NaN : s.heal_success_percent / 100);
    g.reliability.set(s.reliability_percent === null ? Number.NaN : s.reliability_percent / 100);
    const v = health.verified_reliability;
    // Exact ratio, not the rounded percent: a scrape must see 0.99899 below a 0.999 alert rule.
    g.verifiedReliability.set(v.status === 'measured' && v.checked > 0 ? v.matching / v.checked : Number.NaN);
    g.verifyChecked.set(v.checked);
    for (const kind of ['drifted', 'missing', 'extra'] as const) g.verifyDifferent.set({ kind }, v[kind]);
    g.verifyRuns.set(v.runs);
  }

  /** Counts a verify this process ran; returns the report unchanged. */
  function recordVerify(report: VerifyReport): VerifyReport {
    const t = totalsOf(report);
    c.verifyRuns.inc({ outcome: report.ok ? 'ok' : 'drift' });
    c.verifyChecked.inc(t.checked);
    for (const kind of ['drifted', 'missing', 'extra'] as const) c.verifyDrifted.inc({ kind }, t[kind]);
    return report;
  }

  /** The Prometheus text exposition of the current state. */
  async function render(): Promise<{ contentType: string; body: string }> {
    return { contentType: registry.contentType, body: await registry.metrics() };
  }

  /** Reads health from the database, sets the gauges and renders: what GET /metrics answers. */
  async function collect(deps: HealthDeps): Promise<{ contentType: string; body: string }> {
    const [health, entities] = await Promise.all([getHealth(deps), readEntityOutcomes(deps.db).catch(() => [])]);
    update(health, entities);
    return render();
  }

  return { registry, zohoHooks, instrumentHandlers, update, render, collect, recordVerify };
}

export type HealthMetrics = ReturnType<typeof createHealthMetrics>;
