import type { Kysely } from 'kysely';
import type { LoggerLike } from '../../db/logger-like';
import type { Database } from '../../db/schema';
import type { AlertSink } from '../../health/alerts/types';
import type { HealerSettings } from '../settings';
import type { HealActionResult, HealerWorkerPool } from '../types';

/** What a heal step works with; `state` lives as long as the healer (one per process). */
export interface HealContext {
  db: Kysely<Database>;
  organizationId: string;
  workerPool?: HealerWorkerPool;
  logger: LoggerLike;
  settings: HealerSettings;
  sinks: readonly AlertSink[];
  secrets: ReadonlyArray<string | null | undefined>;
  state: { lastRestartAt: number | null };
}

export type HealStep = (ctx: HealContext) => Promise<HealActionResult>;
