import type { HealthThresholdOverrides } from './types';

/**
 * Alert thresholds. A condition fires when the value is strictly above the threshold (below, for
 * the processing rate). Defaults are the seed's: warning at 50 pending, 30 min delay, 5 failing
 * items, under 10 items/min; critical at 200 pending, 2 h delay, 20 failing items, more than 10
 * dead letters; emergency when sync has been stopped for 6 h.
 */
export interface HealthThresholds {
  pendingItems: { warning: number; critical: number };
  syncDelayMinutes: { warning: number; critical: number; emergency: number };
  /** Items whose last attempt failed and that are not dead-lettered (status failed, or pending for a retry). */
  failingItems: { warning: number; critical: number };
  /** Completions per minute below which a waiting backlog (at least this many ready items) is too slow. */
  processingRatePerMinute: { warning: number };
  deadLetters: { warning: number; critical: number };
  entityStaleHours: { warning: number };
  /** Daily Zoho quota left, in % of the limit. */
  dailyQuotaPercent: { warning: number; critical: number };
  /** Verified reliability (matching / checked over 24 h) below these, in % (docs/verify.md). */
  verifiedReliabilityPercent: { warning: number; critical: number };
  /** A refresh that could not reach Zoho counts as "Zoho unreachable" for this long. */
  zohoUnreachableMinutes: { emergency: number };
}

export const defaultHealthThresholds: HealthThresholds = {
  pendingItems: { warning: 50, critical: 200 },
  syncDelayMinutes: { warning: 30, critical: 120, emergency: 360 },
  failingItems: { warning: 5, critical: 20 },
  processingRatePerMinute: { warning: 10 },
  deadLetters: { warning: 0, critical: 10 },
  entityStaleHours: { warning: 24 },
  dailyQuotaPercent: { warning: 10, critical: 0 },
  zohoUnreachableMinutes: { emergency: 15 },
  verifiedReliabilityPercent: { warning: 99.9, critical: 99 },
};

/** Defaults with the given overrides; a value that is not a finite number ≥ 0 is refused by name. */
export function resolveThresholds(overrides: HealthThresholdOverrides = {}): HealthThresholds {
  const out = structuredClone(defaultHealthThresholds) as unknown as Record<string, Record<string, number>>;
  for (const [group, values] of Object.entries(overrides ?? {})) {
    if (!(group in out)) throw new RangeError(`unknown health threshold group "${group}"`);
    for (const [level, value] of Object.entries(values ?? {})) {
      if (!(level in out[group])) throw new RangeError(`unknown health threshold ${group}.${level}`);
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new RangeError(`health threshold ${group}.${level} must be a number ≥ 0`);
      }
      out[group][level] = value;
    }
  }
  return out as unknown as HealthThresholds;
}
