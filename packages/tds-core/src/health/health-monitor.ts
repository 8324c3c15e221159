import type { LoggerLike } from '../db/logger-like';
import { silentLogger } from '../db/logger-like';
import { errorText } from '../queue/error-text';
import { evaluateAlerts, type AlertEvaluation } from './alerts/evaluate-alerts';
import { notifySinks } from './alerts/notify-sinks';
import type { AlertNotice, AlertSink } from './alerts/types';
import { getHealth } from './get-health';
import type { HealthDeps, SystemHealth } from './types';
import { createRepeatingTask } from '../scheduler/repeating-task';

export interface HealthMonitorOptions extends HealthDeps {
  sinks?: readonly AlertSink[];
  logger?: LoggerLike;
  sinkTimeoutMs?: number;
}

export interface HealthCheck {
  health: SystemHealth;
  alerts: AlertEvaluation;
}

export interface HealthMonitor {
  /** Measures health, stores and notifies alerts; never throws. */
  check(): Promise<HealthCheck>;
  /** Checks every `intervalMs` (the timer does not keep the process alive). */
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

/**
 * Health measured and alerts evaluated on a schedule. When the database itself is lost, the
 * alert cannot be stored, so this process remembers it and notifies the sinks once, then once
 * more when the database answers again.
 */
export function createHealthMonitor(options: HealthMonitorOptions): HealthMonitor {
  const logger = options.logger ?? silentLogger;
  const sinks = options.sinks ?? [];
  let databaseLostNotice: AlertNotice | null = null;

  async function checkOnce(): Promise<HealthCheck> {
    const health = await getHealth(options);
    const alerts = await evaluateAlerts(health.findings, { db: options.db, sinks, logger, sinkTimeoutMs: options.sinkTimeoutMs });
    const lost = health.findings.find((f) => f.code === 'database_unreachable');
    if (lost && alerts.storeError && !databaseLostNotice) {
      databaseLostNotice = {
        event: 'opened',
        id: null,
        code: lost.code,
        severity: lost.severity,
        component: lost.component,
        message: lost.problem,
        remediation: lost.remediation,
        evidence: lost.evidence,
        created_at: health.checked_at,
        resolved_at: null,
      };
      alerts.opened.push(databaseLostNotice);
      alerts.sinkFailures.push(...(await notifySinks(sinks, [databaseLostNotice], { logger, timeoutMs: options.sinkTimeoutMs })));
    } else if (!lost && databaseLostNotice) {
      const resolved: AlertNotice = { ...databaseLostNotice, event: 'resolved', resolved_at: health.checked_at };
      databaseLostNotice = null;
      alerts.resolved.push(resolved);
      alerts.sinkFailures.push(...(await notifySinks(sinks, [resolved], { logger, timeoutMs: options.sinkTimeoutMs })));
    }
    return { health, alerts };
  }

  const task = createRepeatingTask('health monitor', checkOnce, (error) =>
    logger.error({ err: errorText(error) }, 'health check failed'),
  );

  // Overlapping calls share one evaluation instead of racing each other.
  return { check: task.run, start: task.start, stop: task.stop };
}
