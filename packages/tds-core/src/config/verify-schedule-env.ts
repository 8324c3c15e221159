import { z } from 'zod';

// The scheduled sampled verify (docs/verify.md, "Continuous verification"), kept apart from
// env-schema.ts like the hardening settings.

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const wholeNumber = (fallback: number, min: number, max: number, unit: string, zeroMeans?: string) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: `must be a whole number of ${unit}` })
      .int({ message: `must be a whole number of ${unit}` })
      .min(min, { message: `must be at least ${min} ${unit}${zeroMeans ? ` (0 ${zeroMeans})` : ''}` })
      .max(max, { message: `must be at most ${max} ${unit}` })
      .default(fallback),
  );

export const verifyScheduleEnv = {
  /** Records checked per entity by each scheduled verify. */
  TDS_VERIFY_SAMPLE: wholeNumber(20, 1, 10_000, 'records'),
  /** Minutes between scheduled verifies; 0 turns them off. */
  TDS_VERIFY_INTERVAL_MINUTES: wholeNumber(60, 0, 7 * 24 * 60, 'minutes', 'turns them off'),
  /** The share of the Zoho budget (per-minute limit over the interval, and the daily quota left) a scheduled verify may use. */
  TDS_VERIFY_MAX_BUDGET_SHARE: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'must be a fraction such as 0.05' })
      .gt(0, { message: 'must be more than 0 (set TDS_VERIFY_INTERVAL_MINUTES=0 to turn scheduled verifies off)' })
      .max(0.5, { message: 'must be at most 0.5 (syncs need the rest of the budget)' })
      .default(0.05),
  ),
  /** Scheduled verifies queue what differs for re-sync; off by default (they only measure). */
  TDS_VERIFY_REPAIR: z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  ),
};

type VerifyScheduleEnv = { [K in keyof typeof verifyScheduleEnv]: z.output<(typeof verifyScheduleEnv)[K]> };

export interface VerifyScheduleSettings {
  sample: number;
  /** 0: off. */
  intervalMs: number;
  budgetShare: number;
  repair: boolean;
}

/** The scheduled verify's settings from the environment. */
export function verifyScheduleOf(env: VerifyScheduleEnv): VerifyScheduleSettings {
  return {
    sample: env.TDS_VERIFY_SAMPLE,
    intervalMs: env.TDS_VERIFY_INTERVAL_MINUTES * 60_000,
    budgetShare: env.TDS_VERIFY_MAX_BUDGET_SHARE,
    repair: env.TDS_VERIFY_REPAIR,
  };
}
