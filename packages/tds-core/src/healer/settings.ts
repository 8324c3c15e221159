import { HealerInputError, type HealerOptions } from './types';

export interface HealerSettings {
  stuckLockMinutes: number;
  stallMinutes: number;
  resumeTimeoutMs: number;
  resumePollMs: number;
  restartGraceMs: number;
  batchLimit: number;
  healLogRetentionDays: number;
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
  };
}
