import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { listAlerts } from '../health/alerts/list-alerts';
import type { StoredAlert } from '../health/alerts/types';
import { readEntityStats, type EntityStats } from '../health/dashboard-entity-stats';
import { readThroughputHistory, type ThroughputMinute } from '../health/dashboard-throughput-history';
import { listHealActions, type HealLogEntry } from '../health/sql/list-heal-actions';
import { listVerifyRuns, type VerifyRunSummary } from '../verify/verify-runs';

/** The reads an operator's dashboard shows, so adapters never reach into `core.db`. */
export interface TdsDashboardReads {
  /** Row counts, last syncs and queue state per entity of this organization. */
  entities(): Promise<EntityStats[]>;
  /** Open alerts, and those resolved since `resolvedSince`. */
  alerts(options: { resolvedSince: Date; limit: number }): Promise<StoredAlert[]>;
  /** The healer's latest actions (no-op passes only when asked). */
  healLog(options: { limit: number; includeNoops: boolean }): Promise<HealLogEntry[]>;
  /** Items applied and failed per minute, over the last `minutes`. */
  throughput(minutes: number): Promise<ThroughputMinute[]>;
  /** The latest recorded verify runs. */
  verifyRuns(limit: number): Promise<VerifyRunSummary[]>;
}

export function createDashboardReads(db: Kysely<Database>, organizationId: string): TdsDashboardReads {
  return {
    entities: () => readEntityStats(db, organizationId),
    alerts: ({ resolvedSince, limit }) => listAlerts(db, { includeResolvedSince: resolvedSince, limit }),
    healLog: ({ limit, includeNoops }) => listHealActions(db, { limit, includeNoops }),
    throughput: (minutes) => readThroughputHistory(db, { minutes }),
    verifyRuns: (limit) => listVerifyRuns(db, limit),
  };
}
