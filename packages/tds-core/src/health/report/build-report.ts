import { diagnose, type DiagnoseOptions } from '../diagnose';
import { healSuccessRate } from '../sql/heal-success-rate';
import { listHealActions, type HealLogEntry } from '../sql/list-heal-actions';
import { listAlerts } from '../alerts/list-alerts';
import { getHealth } from '../get-health';
import { scrubbedSnippet } from '../sanitize';
import type { HealthReport, ReportHealAction } from './types';

function summarize(entry: HealLogEntry, secrets: DiagnoseOptions['secrets']): string {
  const d = entry.details !== null && typeof entry.details === 'object' && !Array.isArray(entry.details) ? entry.details : {};
  const parts: string[] = [];
  for (const key of ['cleared', 'requeued', 'moved', 'replayed'] as const) {
    if (typeof d[key] === 'number') parts.push(`${key} ${d[key]}`);
  }
  if (typeof d.signal === 'string' && d.signal !== 'none') parts.push(`resumed (${d.signal})`);
  if (typeof d.reason === 'string') parts.push(`reason ${d.reason}`);
  if (typeof d.skipped === 'string') parts.push(d.skipped);
  if (typeof d.error === 'string') parts.push(`error: ${d.error}`);
  if (typeof d.restart_error === 'string') parts.push(`restart error: ${d.restart_error}`);
  return scrubbedSnippet(parts.join(', ') || entry.outcome, secrets, 200) ?? entry.outcome;
}

/**
 * Gathers the report data: health, diagnostic findings, the healer's recent actions and success
 * rate, and the open alerts. If the database is lost, the report says so instead of failing.
 */
export async function buildHealthReport(options: DiagnoseOptions): Promise<HealthReport> {
  const health = await getHealth(options);
  const secrets = options.secrets ?? [];
  const since = new Date(Date.parse(health.checked_at) - 24 * 3600 * 1000);
  if (health.findings.some((f) => f.code === 'database_unreachable')) {
    return {
      generated_at: health.checked_at,
      health,
      findings: health.findings,
      heal: { success_rate_24h: { success: 0, failure: 0, noop: 0, rate: null }, recent_actions: [] },
      open_alerts: [],
    };
  }
  const [findings, rate, actions, alerts] = await Promise.all([
    diagnose(options, health),
    healSuccessRate(options.db, since),
    listHealActions(options.db, { since, limit: 10 }),
    listAlerts(options.db, { limit: 50 }),
  ]);
  return {
    generated_at: health.checked_at,
    health,
    findings,
    heal: {
      success_rate_24h: rate,
      recent_actions: actions.map(
        (a): ReportHealAction => ({
          at: a.created_at.toISOString(),
          age_seconds: Math.max(0, Math.round((Date.parse(health.checked_at) - a.created_at.getTime()) / 1000)),
          action: a.action, outcome: a.outcome, target: a.target, summary: summarize(a, secrets) }),
      ),
    },
    open_alerts: alerts.map((a) => ({ id: a.id, code: a.code, severity: a.severity, message: a.message, opened_at: a.created_at.toISOString() })),
  };
}
