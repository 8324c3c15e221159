import type { Kysely } from 'kysely';
import type { LoggerLike } from '../../db/logger-like';
import type { Database } from '../../db/schema';
import { errorText } from '../../queue/error-text';
import { healthAlertCodePrefixes, healthAlertCodes } from '../conditions';
import { severityRank } from '../format';
import { scrubbedSnippet } from '../sanitize';
import type { HealthFinding } from '../types';
import { alertDetails } from './list-alerts';
import { notifySinks } from './notify-sinks';
import { resolveAlert, resolveClearedAlerts, type ResolvedAlert } from './resolve-alerts';
import type { AlertNotice, AlertSink } from './types';
import { upsertAlerts } from './upsert-alerts';

export interface AlertEvaluation {
  opened: AlertNotice[];
  escalated: AlertNotice[];
  resolved: AlertNotice[];
  /** Sinks that failed (evaluation went on regardless). */
  sinkFailures: Array<{ sink: string; code: string; error: string }>;
  /** Set when the alert table could not be written (the notices were still sent). */
  storeError: string | null;
}

export interface EvaluateAlertsOptions {
  db: Kysely<Database>;
  sinks?: readonly AlertSink[];
  logger?: LoggerLike;
  sinkTimeoutMs?: number;
  /**
   * Which open alerts this evaluation may close when their condition is absent. Default: the
   * health conditions' codes. A raiser of its own alerts (the healer) passes its own codes.
   */
  scope?: { codes: readonly string[]; prefixes?: readonly string[] };
}

function noticeOf(finding: HealthFinding, event: AlertNotice['event'], id: string | null, createdAt: Date): AlertNotice {
  return {
    event,
    id,
    code: finding.code,
    severity: finding.severity,
    component: finding.component,
    message: finding.problem,
    remediation: finding.remediation,
    evidence: finding.evidence,
    created_at: createdAt.toISOString(),
    resolved_at: null,
  };
}

export function resolvedNotice(row: ResolvedAlert): AlertNotice {
  const details = alertDetails(row.details);
  return {
    event: 'resolved',
    id: row.id,
    code: row.code,
    severity: row.level,
    component: details.component ?? 'unknown',
    message: row.message,
    remediation: details.remediation ?? '',
    evidence: details.evidence,
    created_at: row.created_at.toISOString(),
    resolved_at: row.resolved_at.toISOString(),
  };
}

/**
 * Brings tds_alerts in line with the conditions found now: one open alert per condition (opened
 * once, escalated when it worsens, updated silently otherwise), closed once when the condition
 * clears; every opening, escalation and resolution goes to the sinks. Findings at level info never
 * become alerts. Never throws: a store or sink failure is reported in the result and logged.
 */
export async function evaluateAlerts(findings: readonly HealthFinding[], options: EvaluateAlertsOptions): Promise<AlertEvaluation> {
  const active = findings.filter((f) => f.severity !== 'info');
  const byCode = new Map(active.map((f) => [f.code, f]));
  const result: AlertEvaluation = { opened: [], escalated: [], resolved: [], sinkFailures: [], storeError: null };
  try {
    for (const row of await upsertAlerts(options.db, active)) {
      const finding = byCode.get(row.code);
      if (!finding) continue;
      if (row.inserted) result.opened.push(noticeOf(finding, 'opened', row.id, row.created_at));
      else if (row.previous_level && severityRank(row.level) > severityRank(row.previous_level)) {
        result.escalated.push(noticeOf(finding, 'escalated', row.id, row.created_at));
      }
    }
    const scope = options.scope ?? { codes: healthAlertCodes, prefixes: healthAlertCodePrefixes };
    const closed = await resolveClearedAlerts(options.db, scope, [...byCode.keys()]);
    result.resolved.push(...closed.map(resolvedNotice));
  } catch (error) {
    result.storeError = scrubbedSnippet(errorText(error)) ?? 'unknown error';
    options.logger?.error({ err: result.storeError }, 'alerts could not be stored');
  }
  const notices = [...result.opened, ...result.escalated, ...result.resolved];
  if (notices.length > 0 && options.sinks && options.sinks.length > 0) {
    result.sinkFailures = await notifySinks(options.sinks, notices, { logger: options.logger, timeoutMs: options.sinkTimeoutMs });
  }
  return result;
}

/**
 * Raises (or refreshes) one alert outside the health evaluation, e.g. by the healer, and notifies
 * the sinks when it is new or worse. Returns the notice sent, or null when nothing changed.
 */
export async function raiseAlert(
  finding: HealthFinding,
  options: Omit<EvaluateAlertsOptions, 'scope'>,
): Promise<AlertNotice | null> {
  const [row] = await upsertAlerts(options.db, [finding]);
  if (!row) return null;
  const notice = row.inserted
    ? noticeOf(finding, 'opened', row.id, row.created_at)
    : row.previous_level && severityRank(row.level) > severityRank(row.previous_level)
      ? noticeOf(finding, 'escalated', row.id, row.created_at)
      : null;
  if (notice && options.sinks?.length) await notifySinks(options.sinks, [notice], { logger: options.logger, timeoutMs: options.sinkTimeoutMs });
  return notice;
}

/** Closes one alert raised outside the health evaluation and tells the sinks; null when none was open. */
export async function clearAlert(code: string, options: Omit<EvaluateAlertsOptions, 'scope'>): Promise<AlertNotice | null> {
  const row = await resolveAlert(options.db, code);
  if (!row) return null;
  const notice = resolvedNotice(row);
  if (options.sinks?.length) await notifySinks(options.sinks, [notice], { logger: options.logger, timeoutMs: options.sinkTimeoutMs });
  return notice;
}
