import { countOf, formatCount, formatDuration, formatPercent, formatRate } from '../format';
import { markFor, reportTime, RULE, SEVERITY_MARK, STATUS_MARK } from './markers';
import type { VerifiedReliabilitySection, ZohoApiSection } from '../types';
import type { HealthReport } from './types';

/** "99.95 % (19,990 of 20,000 records equal Zoho, 3 verify runs, last 12 min ago)", or why it is not measured. */
function verifiedLine(v: VerifiedReliabilitySection, checkedAt: string): string {
  const last = v.last_run_at ? `, last ${formatDuration((Date.parse(checkedAt) - Date.parse(v.last_run_at)) / 1000)} ago` : '';
  if (v.status !== 'measured') return `not measured (no verify checked a record in the last ${v.window_hours} h${last})`;
  return `${formatPercent(v.percent)} (${formatCount(v.matching)} of ${countOf(v.checked, 'record')} equal Zoho, ${countOf(v.runs, 'verify run')}${last})`;
}

/** "books 12 of 1,000 left, inventory 7,400 of 7,500 left": each API has its own daily quota. */
function dailyQuotaLine(z: ZohoApiSection): string {
  const perApi = Object.entries(z.daily_quota_by_api ?? {});
  if (perApi.length > 0) return perApi.map(([api, q]) => `${api} ${formatCount(q.remaining)} of ${formatCount(q.limit)} left`).join(', ');
  return z.daily_quota ? `${formatCount(z.daily_quota.remaining)} of ${formatCount(z.daily_quota.limit)} left` : 'not reported yet';
}

function tokensAtRestLine(z: ZohoApiSection): string {
  if (z.tokens_at_rest === 'plain') return z.stored_token_key_id ? `plain, but the stored token is encrypted (key id ${z.stored_token_key_id}): set TDS_ENCRYPTION_KEY` : 'plain (set TDS_ENCRYPTION_KEY to encrypt them)';
  const stored = z.stored_token_key_id === null || z.stored_token_key_id === z.tokens_at_rest_key_id ? '' : `; the stored token has key id ${z.stored_token_key_id} until the next refresh`;
  return `encrypted (key id ${z.tokens_at_rest_key_id})${stored}`;
}

/**
 * The seed's status report: sections with emoji markers, filled from real data. Times are shown
 * as ages relative to the reading, so the same data always renders the same text.
 */
export function renderStatusReport(report: HealthReport): string {
  const h = report.health;
  const f = report.findings;
  const q = h.queue_status;
  const z = h.zoho_api;
  const lines: string[] = [];
  const add = (...more: string[]) => lines.push(...more);

  add(`🔍 TDS Sync Health Check - ${reportTime(h.checked_at)}`, RULE, `Organization: ${h.organization_id}`, `Overall status: ${STATUS_MARK[h.status]} ${h.status.toUpperCase()}`, '');

  add('📊 Queue Status:');
  add(`  ${markFor(f, 'queue_backlog')} Pending: ${countOf(q.pending, 'item')} (due now ${formatCount(q.ready)})`);
  add(`  ⏳ Processing: ${countOf(q.processing, 'item')}${q.expired_leases > 0 ? ` (${formatCount(q.expired_leases)} with an expired lease)` : ''}`);
  add(`  ✅ Completed: ${countOf(q.completed_last_24h, 'item')} (last 24h)`);
  add(`  ${markFor(f, 'failing_items', 'exhausted_failed_items')} Failed: ${countOf(q.failed, 'item')}, retrying: ${formatCount(q.retrying)}`);
  add('');

  const dlq = h.dead_letter_queue;
  add('📥 Dead Letter Queue:');
  add(`  ${markFor(f, 'dead_letters')} Unresolved: ${formatCount(dlq.unresolved)} (total ${formatCount(dlq.total_items)}, added last 24h ${formatCount(dlq.added_last_24h)})`);
  add('');

  add('⏰ Last Sync:');
  for (const [entity, age] of Object.entries(h.last_sync_age_seconds)) {
    add(`  ${markFor(f, `entity_stale:${entity}`, `sync_run_failed:${entity}`)} ${entity}: ${age === null ? 'never' : `${formatDuration(age)} ago`}`);
  }
  add('');

  const w = h.workers;
  add('👷 Workers:');
  add(`  ${markFor(f, 'workers_down', 'workers_stalled')} Status: ${w.status} (${w.alive} alive, ${w.crashed} crashed, ${w.known} known)`);
  add(`  ${markFor(f, 'processing_slow')} Processing rate: ${formatRate(w.processing_rate)}`);
  add('');

  add('🔐 Zoho API:');
  const expires = z.token_expires_in === null ? 'no token stored' : z.token_expires_in > 0 ? `expires in ${formatDuration(z.token_expires_in)}` : 'expired';
  // An expired token alone is normal when idle (it is refreshed on the next call): only a finding makes it red.
  const problem = markFor(f, 'zoho_credential_invalid', 'zoho_unreachable');
  const tokenMark = z.token_valid ? '✅' : problem === '✅' ? 'ℹ️ ' : problem;
  const refused = z.refresh_refused;
  if (refused) {
    // A refused refresh attempt while the stored token still works: one consistent sentence.
    const when = refused.at ? `${formatDuration((Date.parse(h.checked_at) - Date.parse(refused.at)) / 1000)} ago` : 'at an unknown time';
    add(`  ${markFor(f, 'zoho_refresh_failed')} Token: the last refresh attempt failed ${when} (${refused.reason}); the stored token still works, ${expires} (refreshed ${formatCount(z.token_refresh_count)} times)`);
  } else {
    add(`  ${tokenMark} Token: ${z.token_valid ? 'valid' : 'not valid'}, ${expires} (refreshed ${formatCount(z.token_refresh_count)} times)`);
  }
  const credential = z.credential_error
    ? `refused by Zoho (${z.credential_error.reason})`
    : refused
      ? `accepted until the stored token expires; the last refresh attempt was refused (${refused.reason})`
      : 'accepted';
  add(`  ${markFor(f, 'zoho_credential_invalid', 'zoho_refresh_failed')} Credential: ${credential}`);
  add(`  ${markFor(f, 'zoho_rate_limited')} Rate limit: ${formatCount(z.rate_limit_remaining)} of ${formatCount(z.rate_limit_per_minute)} requests left this window (${z.in_flight} in flight)${z.paused_until ? `, paused until ${z.paused_until}` : ''}`);
  add(`  ${markFor(f, 'zoho_daily_quota')} Daily quota: ${dailyQuotaLine(z)}`);
  add(`  🔒 Tokens at rest: ${tokensAtRestLine(z)}`);
  add(`  🔒 Webhook authentication: ${z.webhook_auth === 'token' ? 'shared token (TDS_WEBHOOK_TOKEN)' : 'HMAC signature (ZOHO_WEBHOOK_SECRET)'}`);
  add('');

  const d = h.sync_delay;
  add('⏱️  Sync Delay:');
  add(`  ${markFor(f, 'sync_delay')} Oldest pending: ${formatDuration(d.oldest_pending_seconds)}`);
  add(`  Receipt to applied (last 24h): p50 ${formatDuration(d.p50_seconds, 'n/a')}, p95 ${formatDuration(d.p95_seconds, 'n/a')}, average ${formatDuration(d.average_seconds, 'n/a')} over ${countOf(d.samples, 'item')}`);
  add('');

  const s = h.success_metrics;
  add('📈 Success Metrics (last 24h):');
  add(`  Reliability: ${formatPercent(s.reliability_percent)}`);
  add(`  Backlog: ${countOf(s.backlog, 'item')}`);
  add(`  Average delay: ${formatDuration(s.average_delay_seconds, 'n/a')}`);
  add(`  Failed: ${formatPercent(s.failed_percent)}`);
  add(`  Auto-heal success: ${formatPercent(s.heal_success_percent)}`);
  add(`  ${markFor(f, 'verified_reliability_low')} Verified reliability: ${verifiedLine(h.verified_reliability, h.checked_at)}`);
  add('');

  const issues = f.filter((x) => x.severity !== 'info');
  add('⚠️  Issues Detected:');
  if (issues.length === 0) add('  ✅ None');
  issues.forEach((x, i) => add(`  ${i + 1}. ${SEVERITY_MARK[x.severity]} ${x.severity.toUpperCase()} [${x.code}] ${x.problem}`));
  add('');

  add('🔧 Auto-Heal Actions (last 24h):');
  if (report.heal.recent_actions.length === 0) add('  None needed');
  for (const a of report.heal.recent_actions) {
    add(`  ${a.outcome === 'success' ? '✅' : a.outcome === 'failure' ? '❌' : 'ℹ️ '} ${a.action}: ${a.summary} (${formatDuration(a.age_seconds)} ago)`);
  }
  add('');

  add('📈 Recommendations:');
  const advice = [...new Set(issues.map((x) => x.remediation))];
  if (advice.length === 0) add('  - Nothing to do; keep monitoring.');
  for (const text of advice) add(`  - ${text}`);
  add(RULE);
  return lines.join('\n');
}
