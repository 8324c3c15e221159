import { formatDuration } from '../format';
import type { HealthFinding } from '../types';
import { isUnreachableError, reauthorizeHint } from '../zoho-credential';
import type { ConditionContext } from './context';

export function zohoConditions({ health, thresholds }: ConditionContext): HealthFinding[] {
  const z = health.zoho_api;
  const out: HealthFinding[] = [];
  if (z.credential_error) {
    out.push({
      code: 'zoho_credential_invalid',
      severity: 'critical',
      component: 'zoho-auth',
      problem: `Zoho refused the refresh token (${z.credential_error.reason}); nothing can be fetched from Zoho until it is replaced`,
      evidence: [`last refresh error at ${z.last_error_at ?? 'unknown time'}: ${z.last_error ?? z.credential_error.reason}`],
      remediation: reauthorizeHint(z.credential_error.reason),
    });
  }
  if (z.refresh_refused) {
    // The stored token still works, so nothing stops yet; it turns critical (above) if the token
    // expires without a successful refresh, and clears at a refresh or at a Zoho request that
    // succeeds with the stored token after the refused attempt.
    const left = z.token_expires_in === null ? '' : `, expires in ${formatDuration(z.token_expires_in)}`;
    out.push({
      code: 'zoho_refresh_failed',
      severity: 'warning',
      component: 'zoho-auth',
      problem:
        `the last Zoho token refresh attempt was refused (${z.refresh_refused.reason}); the stored access token still works${left}, ` +
        'and TDS keeps syncing with it',
      evidence: [`last refresh error at ${z.last_error_at ?? 'unknown time'}: ${z.last_error ?? z.refresh_refused.reason}`],
      remediation:
        'If the attempt was made with other credentials than the running TDS (for example `ZOHO_CLIENT_SECRET=… tds token refresh` ' +
        'in another shell), nothing is wrong: the warning clears at the next Zoho request or refresh that succeeds. Otherwise, fix ' +
        `it before the token expires, or syncing stops: ${reauthorizeHint(z.refresh_refused.reason)}`,
    });
  }
  const unreachableFor = thresholds.zohoUnreachableMinutes.emergency * 60;
  const errorAge = z.last_error_at ? (Date.parse(health.checked_at) - Date.parse(z.last_error_at)) / 1000 : null;
  if (!z.token_valid && !z.credential_error && isUnreachableError(z.last_error) && errorAge !== null && errorAge <= unreachableFor) {
    out.push({
      code: 'zoho_unreachable',
      severity: 'emergency',
      component: 'zoho-auth',
      problem: 'Zoho cannot be reached: the access token has run out and refreshing it fails',
      evidence: [`last refresh error ${formatDuration(errorAge)} ago: ${z.last_error}`],
      remediation:
        'Check outbound network access to the Zoho accounts and API hosts of ZOHO_DATA_CENTER (DNS, firewall, proxy), ' +
        'and status.zoho.com. TDS retries on its own; webhooks keep being stored meanwhile.',
    });
  }
  if (z.paused_until) {
    out.push({
      code: 'zoho_rate_limited',
      severity: 'warning',
      component: 'zoho-rate-limit',
      problem: `Zoho answered 429: every process pauses Zoho calls until ${z.paused_until}`,
      evidence: [`429 answers so far: ${z.rate_limited_count}; last at ${z.last_429_at ?? 'unknown'}`],
      remediation:
        'Usually passes by itself. If it repeats, lower TDS_RATE_LIMIT_PER_MINUTE or move full syncs to quiet hours; ' +
        'check that no other integration spends the same organization budget.',
    });
  }
  if (z.daily_quota && z.daily_quota.limit > 0) {
    const percent = (z.daily_quota.remaining / z.daily_quota.limit) * 100;
    const level = percent <= thresholds.dailyQuotaPercent.critical ? 'critical' : percent < thresholds.dailyQuotaPercent.warning ? 'warning' : null;
    if (level) {
      out.push({
        code: 'zoho_daily_quota',
        severity: level,
        component: 'zoho-rate-limit',
        problem: `only ${z.daily_quota.remaining} of ${z.daily_quota.limit} daily Zoho requests are left`,
        evidence: [`daily quota resets at ${z.daily_quota.reset_at}`],
        remediation:
          'Requests wait for the daily reset once the quota is spent. Prefer webhooks and incremental syncs over full ' +
          'syncs, or ask Zoho for a higher daily limit.',
      });
    }
  }
  return out;
}
