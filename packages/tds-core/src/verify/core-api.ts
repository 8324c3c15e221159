import { runVerify, type VerifyDeps } from './run-verify';
import type { VerifyOptions, VerifyReport } from './types';
import { readLastVerifyRun, readVerifiedReliability, type VerifiedReliability } from './verify-runs';

/** The verify part of TdsCore (docs/verify.md). */
export interface TdsVerifyApi {
  /** Compares the stored rows with Zoho's current records; read-only unless `repair`. Throws VerifyInputError on bad options. */
  verify(options?: VerifyOptions): Promise<VerifyReport>;
  /** The last recorded verify run's report, or null when none was recorded. */
  lastVerify(): Promise<Record<string, unknown> | null>;
  /** matching / checked over the verify runs of the last `windowHours` (default 24). */
  verifiedReliability(windowHours?: number): Promise<VerifiedReliability>;
}

export function createVerifyApi(deps: VerifyDeps): TdsVerifyApi {
  return {
    verify: (options = {}) => runVerify(deps, options),
    lastVerify: () => readLastVerifyRun(deps.db),
    verifiedReliability: (windowHours) => readVerifiedReliability(deps.db, windowHours),
  };
}
