import type { LoggerLike } from '../../db/logger-like';
import type { AlertNotice, AlertSink } from '../alerts/types';

/** Writes each alert to the log: warnings as warn, critical and emergency as error, resolutions as info. */
export function createLoggerAlertSink(logger: LoggerLike): AlertSink {
  return {
    name: 'log',
    send(alert: AlertNotice) {
      const fields = { alert: { code: alert.code, severity: alert.severity, component: alert.component, event: alert.event, id: alert.id } };
      if (alert.event === 'resolved') logger.info(fields, `alert resolved: ${alert.message}`);
      else if (alert.severity === 'warning' || alert.severity === 'info') logger.warn({ ...fields, remediation: alert.remediation }, `alert: ${alert.message}`);
      else logger.error({ ...fields, remediation: alert.remediation }, `alert: ${alert.message}`);
    },
  };
}
