import { formatCount } from '../format';
import type { HealthFinding } from '../types';
import type { ConditionContext } from './context';

/**
 * Verified reliability below the thresholds (default warning under 99.9 %, critical under 99 %).
 * Judged on exact counts (matching × 100 < threshold × checked), so a shown 99.9 % that is really
 * 99.899 % still alerts. Not measured (no verify in 24 h) raises nothing: there is nothing to judge.
 */
export function verifyConditions({ health, thresholds }: ConditionContext): HealthFinding[] {
  const v = health.verified_reliability;
  if (v.status !== 'measured' || v.checked === 0) return [];
  const t = thresholds.verifiedReliabilityPercent;
  const below = (percent: number) => v.matching * 100 < percent * v.checked;
  const level = below(t.critical) ? 'critical' : below(t.warning) ? 'warning' : null;
  if (!level) return [];
  const different = v.checked - v.matching;
  return [
    {
      code: 'verified_reliability_low',
      severity: level,
      component: 'verify',
      problem: `verified reliability is ${v.percent} %: ${formatCount(different)} of ${formatCount(v.checked)} records checked against Zoho in the last ${v.window_hours} h differ (${level} below ${t[level]} %)`,
      evidence: [
        `drifted ${formatCount(v.drifted)}, missing ${formatCount(v.missing)}, extra ${formatCount(v.extra)} over ${formatCount(v.runs)} verify run(s)`,
        `last verify finished at ${v.last_run_at ?? 'unknown'}`,
      ],
      remediation:
        'See which records and columns differ with `tds verify` (or the dashboard\'s Verify view); repair them with ' +
        '`tds verify --repair` or the Repair button, then look for the cause: missing webhooks, rows edited by hand, a mapping bug.',
    },
  ];
}
