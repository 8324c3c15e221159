import { formatDuration } from '../format';
import type { HealthFinding } from '../types';
import type { ConditionContext } from './context';

export function syncConditions({ health, thresholds }: ConditionContext): HealthFinding[] {
  const out: HealthFinding[] = [];
  const delay = health.sync_delay.oldest_pending_seconds;
  const t = thresholds.syncDelayMinutes;
  const level = delay > t.emergency * 60 ? 'emergency' : delay > t.critical * 60 ? 'critical' : delay > t.warning * 60 ? 'warning' : null;
  if (level) {
    out.push({
      code: 'sync_delay',
      severity: level,
      component: 'sync',
      problem:
        level === 'emergency'
          ? `sync has been stopped for ${formatDuration(delay)}: the oldest change is still waiting`
          : `changes wait ${formatDuration(delay)} before they reach the database (${level} above ${formatDuration(t[level] * 60)})`,
      evidence: [
        `oldest pending item ${formatDuration(delay)} old; ${health.queue_status.pending} pending`,
        `workers alive ${health.workers.alive}, processing ${health.workers.processing_rate}/min`,
      ],
      remediation:
        'Find what holds the queue: no workers (start them), a dead Zoho credential (re-authorize), a rate-limit ' +
        'pause, or a stalled pool (the healer restarts it; `tds heal` runs it now).',
    });
  }
  const staleAfter = thresholds.entityStaleHours.warning * 3600;
  for (const [entity, age] of Object.entries(health.last_sync_age_seconds)) {
    if (age !== null && age <= staleAfter) continue;
    out.push({
      code: `entity_stale:${entity}`,
      severity: 'warning',
      component: 'sync',
      problem: age === null ? `${entity} have never been synced` : `${entity} last synced ${formatDuration(age)} ago`,
      evidence: [`last sync ${health.last_sync_timestamps[entity] ?? 'never'} (warning after ${thresholds.entityStaleHours.warning} h)`],
      remediation: `Run \`tds sync ${entity}\` (add --full for a first sync) and check that Zoho webhooks for ${entity} reach /api/zoho/webhooks/${entity}.`,
    });
  }
  return out;
}
