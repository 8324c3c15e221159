export * from './build-report';
export * from './render-error-report';
export * from './render-status-report';
export * from './types';
import { renderErrorReport } from './render-error-report';
import { renderStatusReport } from './render-status-report';
import type { HealthReport } from './types';

/** Status report then error report: what `tds report` prints. */
export function renderHealthReport(report: HealthReport): string {
  return `${renderStatusReport(report)}\n\n${renderErrorReport(report)}\n`;
}
