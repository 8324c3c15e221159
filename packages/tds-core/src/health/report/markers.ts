import type { FindingSeverity, HealthFinding, HealthStatus } from '../types';

export const STATUS_MARK: Record<HealthStatus, string> = { healthy: '✅', warning: '⚠️ ', critical: '🔴', emergency: '🆘' };
export const SEVERITY_MARK: Record<FindingSeverity, string> = { info: 'ℹ️ ', warning: '🟡', critical: '🔴', emergency: '🆘' };

/** The marker of a line: ✅ unless one of the given finding codes is present, then its severity's. */
export function markFor(findings: readonly HealthFinding[], ...codes: string[]): string {
  const hit = findings.filter((f) => codes.includes(f.code) && f.severity !== 'info');
  if (hit.length === 0) return STATUS_MARK.healthy;
  const order: FindingSeverity[] = ['emergency', 'critical', 'warning'];
  return STATUS_MARK[order.find((s) => hit.some((f) => f.severity === s)) as HealthStatus];
}

/** 2026-11-29 12:00:00 UTC */
export function reportTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

export const RULE = '='.repeat(60);
