import type { AlertNotice } from '../alerts/types';

const MARK: Record<string, string> = { info: 'ℹ️', warning: '🟡', critical: '🔴', emergency: '🆘' };

/** One line of text for chat tools: marker, level, message, and what to do. */
export function alertText(alert: AlertNotice): string {
  if (alert.event === 'resolved') return `✅ RESOLVED [${alert.code}] ${alert.message}`;
  const verb = alert.event === 'escalated' ? 'ESCALATED to ' : '';
  return `${MARK[alert.severity] ?? '⚠️'} ${verb}${alert.severity.toUpperCase()} [${alert.code}] ${alert.message}\n→ ${alert.remediation}`;
}
