import * as tdsCore from '@tsh/tds-core';
import type { Logger, TdsCore, TdsEnv } from '@tsh/tds-core';

export interface OpenCoreOptions {
  config: TdsEnv;
  logger?: Logger;
  /** Bring the schema up to date first (default true). */
  migrate?: boolean;
  /** Scheduled syncs: incremental every N ms (0: off; default 5 min), nightly full reconcile at `HH:MM` UTC (null: off; default 02:00). */
  schedule?: { incrementalEveryMs?: number; fullAt?: string | null };
}

type CreateTdsCore = (options: OpenCoreOptions) => Promise<TdsCore>;

/** The core factory of @tsh/tds-core (createTdsCore): database, Zoho client, queue, workers, healer, health. */
export async function openCore(options: OpenCoreOptions): Promise<TdsCore> {
  const create = (tdsCore as unknown as { createTdsCore?: CreateTdsCore }).createTdsCore;
  if (typeof create !== 'function') throw new Error('this build of @tsh/tds-core has no createTdsCore');
  return create(options);
}
