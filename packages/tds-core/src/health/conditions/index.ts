import { severityRank } from '../format';
import type { HealthFinding } from '../types';
import type { ConditionContext } from './context';
import { queueConditions } from './queue';
import { syncConditions } from './sync';
import { verifyConditions } from './verify';
import { workerConditions } from './workers';
import { zohoConditions } from './zoho';

export type { ConditionContext, HealthSections } from './context';

/** Every alert condition of the measured health, worst first. */
export function evaluateConditions(context: ConditionContext): HealthFinding[] {
  const found = [...workerConditions(context), ...syncConditions(context), ...queueConditions(context), ...zohoConditions(context), ...verifyConditions(context)];
  return found.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
}

/** Codes the health evaluation owns: an open alert with one of these closes when its condition clears. */
export const healthAlertCodes = [
  'queue_backlog',
  'failing_items',
  'processing_slow',
  'dead_letters',
  'workers_down',
  'sync_delay',
  'zoho_credential_invalid',
  'zoho_refresh_failed',
  'zoho_unreachable',
  'zoho_rate_limited',
  'zoho_daily_quota',
  'database_unreachable',
  'verified_reliability_low',
] as const;
export const healthAlertCodePrefixes = ['entity_stale:'] as const;
