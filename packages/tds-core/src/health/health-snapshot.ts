import { getHealth } from './get-health';
import { readEntityOutcomes, type EntityOutcomes } from './sql/read-entity-outcomes';
import type { HealthDeps, SystemHealth } from './types';

export interface HealthReading {
  health: SystemHealth;
  /** Per-entity queue outcomes, for the metrics (empty when they could not be read). */
  entities: EntityOutcomes[];
}

export interface SharedHealthSnapshot {
  /** The latest reading, read again when older than maxAgeMs; concurrent callers share one read. */
  get(): Promise<HealthReading>;
}

export const DEFAULT_HEALTH_SNAPSHOT_MAX_AGE_MS = 5000;

/**
 * One shared reading of health for GET /api/health, GET /metrics and the dashboard. Reading
 * health costs about ten queries; without this, a flood of anonymous health requests took the
 * pool from the workers and webhooks. Now the database is read at most once per maxAgeMs
 * (single-flight: callers arriving during a read wait for that read), whatever the request
 * rate. A failed read is never cached: getHealth already turns a lost database into an
 * emergency reading, which ages like any other.
 */
export interface HealthSnapshotOptions {
  maxAgeMs?: number;
  /** Adds what the embedding core shows beside health (read in the same refresh, so cached too). */
  extend?: (health: SystemHealth) => Promise<SystemHealth & Record<string, unknown>>;
  now?: () => number;
}

export function createHealthSnapshot(deps: HealthDeps, options: HealthSnapshotOptions = {}): SharedHealthSnapshot {
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_HEALTH_SNAPSHOT_MAX_AGE_MS;
  const now = options.now ?? Date.now;
  let latest: { reading: HealthReading; at: number } | undefined;
  let reading: Promise<HealthReading> | undefined;

  async function read(): Promise<HealthReading> {
    const [health, entities] = await Promise.all([getHealth(deps), readEntityOutcomes(deps.db).catch(() => [])]);
    return { health: options.extend ? await options.extend(health) : health, entities };
  }

  return {
    get() {
      if (latest && now() - latest.at < maxAgeMs) return Promise.resolve(latest.reading);
      reading ??= read()
        .then((result) => {
          latest = { reading: result, at: now() };
          return result;
        })
        .finally(() => (reading = undefined));
      return reading;
    },
  };
}
