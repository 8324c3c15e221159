import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { readVerifiedReliability } from '../../verify/verify-runs';
import type { VerifiedReliabilitySection } from '../types';

const UNDEFINED_TABLE = '42P01';

export function notMeasured(windowHours = 24): VerifiedReliabilitySection {
  return { status: 'not measured', percent: null, checked: 0, matching: 0, drifted: 0, missing: 0, extra: 0, runs: 0, window_hours: windowHours, last_run_at: null };
}

/** Verified reliability over the last `windowHours`; not measured when no run checked a record (or verify's table is not migrated yet). */
export async function readVerifiedReliabilitySection(db: Kysely<Database>, windowHours = 24): Promise<VerifiedReliabilitySection> {
  try {
    const r = await readVerifiedReliability(db, windowHours);
    if (r.ratio === null) return { ...notMeasured(windowHours), runs: r.runs, last_run_at: r.lastRunAt?.toISOString() ?? null };
    return {
      status: 'measured',
      percent: Math.floor(r.ratio * 10_000) / 100,
      checked: r.checked,
      matching: r.matching,
      drifted: r.drifted,
      missing: r.missing,
      extra: r.extra,
      runs: r.runs,
      window_hours: windowHours,
      last_run_at: r.lastRunAt?.toISOString() ?? null,
    };
  } catch (error) {
    if ((error as { code?: unknown }).code === UNDEFINED_TABLE) return notMeasured(windowHours);
    throw error;
  }
}
