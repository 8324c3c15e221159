import { countOf, formatDuration, severityRank } from './format';
import { getHealth } from './get-health';
import { scrubbedSnippet } from './sanitize';
import type { HealthDeps, HealthFinding, SystemHealth } from './types';
import { readDiagnostics } from './sql/read-diagnostics';

export interface DiagnoseOptions extends HealthDeps {
  /** The stuck-lock limit the healer uses (default 30 min). */
  stuckLockMinutes?: number;
}

const patternLines = (rows: Array<{ error: string; count: number }>, secrets: DiagnoseOptions['secrets']) =>
  rows.map((r) => `[${r.count}×] ${scrubbedSnippet(r.error, secrets, 200)}`);

/**
 * Findings with remediation hints, in the seed's error-report layout (severity, component,
 * problem, evidence, remediation), worst first: the health conditions, enriched with the most
 * frequent errors, plus what only a deeper look shows (stuck locks, exhausted items, failed sync
 * runs, heal actions that failed). An empty list means nothing is wrong.
 */
export async function diagnose(options: DiagnoseOptions, health?: SystemHealth): Promise<HealthFinding[]> {
  const current = health ?? (await getHealth(options));
  const findings = current.findings.map((f) => ({ ...f, evidence: [...f.evidence] }));
  if (findings.some((f) => f.code === 'database_unreachable')) return findings;
  const secrets = options.secrets ?? [];
  const stuckLockMinutes = options.stuckLockMinutes ?? 30;
  const d = await readDiagnostics(options.db, options.organizationId, stuckLockMinutes);

  const failing = findings.find((f) => f.code === 'failing_items');
  if (failing) failing.evidence.push(...patternLines(d.failing_errors, secrets));
  const dead = findings.find((f) => f.code === 'dead_letters');
  if (dead) dead.evidence.push(...patternLines(d.dead_letter_errors, secrets));

  if (d.stuck_locks > 0) {
    findings.push({
      code: 'stuck_locks',
      severity: 'warning',
      component: 'queue',
      problem: `${countOf(d.stuck_locks, 'item')} ${d.stuck_locks === 1 ? 'has' : 'have'} been processing for more than ${stuckLockMinutes} min`,
      evidence: [`oldest lock ${formatDuration(d.oldest_lock_seconds)} old`],
      remediation: 'The healer returns them to pending on its next run; `tds heal` or `tds queue clear-locks` does it now.',
    });
  }
  if (d.exhausted_failed > 0) {
    findings.push({
      code: 'exhausted_failed_items',
      severity: 'warning',
      component: 'queue',
      problem: `${countOf(d.exhausted_failed, 'failed item')} ${d.exhausted_failed === 1 ? 'has' : 'have'} no retries left`,
      evidence: patternLines(d.failing_errors, secrets),
      remediation: 'The healer moves them to the dead-letter queue (`tds heal`), where they can be inspected and replayed.',
    });
  }
  for (const run of d.failed_runs) {
    findings.push({
      code: `sync_run_failed:${run.entity}`,
      severity: 'warning',
      component: 'sync',
      problem: `the latest ${run.entity} sync failed`,
      evidence: [`finished ${run.finished_at?.toISOString() ?? 'never'}: ${scrubbedSnippet(run.error, secrets) ?? 'no error recorded'}`],
      remediation: `Fix the cause shown, then run \`tds sync ${run.entity}\` again; the cursor only moves on success, so nothing is skipped.`,
    });
  }
  for (const heal of d.heal_failures) {
    findings.push({
      code: `heal_failed:${heal.action}`,
      severity: 'warning',
      component: 'healer',
      problem: `heal action ${heal.action} failed ${heal.count} time(s) in the last 24 h`,
      evidence: [`last: ${scrubbedSnippet(JSON.stringify(heal.last_details), secrets) ?? 'no details'}`],
      remediation: 'Read the details: a dead credential needs re-authorization, a pool that does not resume needs its process restarted.',
    });
  }
  if (current.zoho_api.last_429_at && Date.parse(current.checked_at) - Date.parse(current.zoho_api.last_429_at) < 3600_000 && !current.zoho_api.paused_until) {
    findings.push({
      code: 'zoho_rate_limited_recently',
      severity: 'info',
      component: 'zoho-rate-limit',
      problem: 'Zoho answered 429 within the last hour',
      evidence: [`last 429 at ${current.zoho_api.last_429_at}; ${current.zoho_api.rate_limited_count} in total`],
      remediation: 'Nothing to do if rare; if frequent, lower TDS_RATE_LIMIT_PER_MINUTE.',
    });
  }
  return findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
}
