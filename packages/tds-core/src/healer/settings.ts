import type { RetentionDays } from './sql/purge-expired';
import type { BatchedPurge } from './sql/purge-in-batches';
import { HealerInputError, type HealerOptions } from './types';

export interface HealerSettings {
  stuckLockMinutes: number;
  stallMinutes: number;
  resumeTimeoutMs: number;
  resumePollMs: number;
  restartGraceMs: number;
  batchLimit: number;
  healLogRetentionDays: number;
  retention: RetentionDays & BatchedPurge;
}

function positive(name: string, value: unknown, fallback: number, { integer = false } = {}): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new HealerInputError(`healer option ${name} must be a positive ${integer ? 'whole ' : ''}number`);
  }
  return value;
}

export function resolveHealerSettings(options: HealerOptions = {}): HealerSettings {
  return {
    stuckLockMinutes: positive('stuckLockMinutes', options.stuckLockMinutes, 30),
    stallMinutes: positive('stallMinutes', options.stallMinutes, 15),
    resumeTimeoutMs: positive('resumeTimeoutMs', options.resumeTimeoutMs, 30_000),
    resumePollMs: positive('resumePollMs', options.resumePollMs, 250),
    restartGraceMs: positive('restartGraceMs', options.restartGraceMs, 10_000),
    batchLimit: positive('batchLimit', options.batchLimit, 1000, { integer: true }),
    healLogRetentionDays: positive('healLogRetentionDays', options.healLogRetentionDays, 30),
    retention: resolveRetention(options),
  };
}

/**
 * Defaults: a week of queue items and inbox rows (enough to trace last week's webhooks), a month
 * of heal log and resolved alerts; 1000 rows a statement, at most 200 statements a table per run,
 * 10 ms apart (docs/hardening.md).
 */
function resolveRetention(options: HealerOptions): RetentionDays & BatchedPurge {
  const r = options.retention ?? {};
  const pauseMs = r.pauseMs ?? 10;
  if (typeof pauseMs !== 'number' || !Number.isInteger(pauseMs) || pauseMs < 0) throw new HealerInputError('healer option retention.pauseMs must be a whole number of at least 0');
  return {
    queueDays: positive('retention.queueDays', r.queueDays, 7),
    webhookDays: positive('retention.webhookDays', r.webhookDays, 7),
    healLogDays: positive('retention.healLogDays', r.healLogDays, positive('healLogRetentionDays', options.healLogRetentionDays, 30)),
    alertDays: positive('retention.alertDays', r.alertDays, 30),
    batchSize: positive('retention.batchSize', r.batchSize, 1000, { integer: true }),
    maxBatches: positive('retention.maxBatches', r.maxBatches, 200, { integer: true }),
    pauseMs,
  };
}
