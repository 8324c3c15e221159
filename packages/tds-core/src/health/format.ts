import type { FindingSeverity, HealthStatus } from './types';

const RANK: Record<FindingSeverity | 'healthy', number> = { healthy: 0, info: 0, warning: 1, critical: 2, emergency: 3 };

export function severityRank(severity: FindingSeverity | HealthStatus): number {
  return RANK[severity];
}

/** The worst of the given severities as an overall status (info counts as healthy). */
export function statusOf(severities: Iterable<FindingSeverity>): HealthStatus {
  let worst: HealthStatus = 'healthy';
  for (const s of severities) if (s !== 'info' && RANK[s] > RANK[worst]) worst = s;
  return worst;
}

/** 42 s, 12 min, 2 h 5 min, 3 d 4 h; `unknown` (default "never") when there is no value. */
export function formatDuration(seconds: number | null | undefined, unknown = 'never'): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return unknown;
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** "1 item", "1,234 items". */
export function countOf(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** 1,234 */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** 99.95 % (two decimals at most), or "n/a". */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  return `${Math.round(value * 100) / 100} %`;
}

/** A rate per minute with one decimal. */
export function formatRate(perMinute: number): string {
  return `${Math.round(perMinute * 10) / 10}/min`;
}

export function isoOrNull(value: Date | null | undefined): string | null {
  return value ? value.toISOString() : null;
}
