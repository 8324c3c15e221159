import { createHealthSnapshot, type HealthSnapshotOptions } from './health-snapshot';
import { createHealthMetrics, type HealthMetrics } from './metrics';
import { createHealthMonitor, type HealthMonitorOptions } from './health-monitor';
import { buildHealthReport, renderHealthReport, type HealthReport } from './report';
import type { SystemHealth } from './types';

export interface HealthService {
  /** The current health (reads only; alerts are not stored), from the shared snapshot: at most snapshotMaxAgeMs old. */
  get(): Promise<SystemHealth>;
  /** Health plus alert evaluation: stores, de-duplicates, resolves and notifies. */
  check: ReturnType<typeof createHealthMonitor>['check'];
  /** Prometheus text for GET /metrics, from the same snapshot as get(). */
  metrics(): Promise<{ contentType: string; body: string }>;
  /** The status report and error report: text, or the same data as JSON. */
  report(format: 'text'): Promise<string>;
  report(format: 'json'): Promise<HealthReport>;
  report(format: 'text' | 'json'): Promise<string | HealthReport>;
  monitor: ReturnType<typeof createHealthMonitor>;
  metricsRegistry: HealthMetrics;
}

/** Health, alerts, reports and metrics bound to one database and organization: what the core's `health` exposes. */
export function createHealthService(options: HealthMonitorOptions & { metrics?: HealthMetrics; stuckLockMinutes?: number; snapshotMaxAgeMs?: number; extendHealth?: HealthSnapshotOptions['extend'] }): HealthService {
  const monitor = createHealthMonitor(options);
  const metrics = options.metrics ?? createHealthMetrics();
  const snapshot = createHealthSnapshot(options, { maxAgeMs: options.snapshotMaxAgeMs, extend: options.extendHealth });
  async function report(format: 'text' | 'json'): Promise<string | HealthReport> {
    const data = await buildHealthReport(options);
    return format === 'json' ? data : renderHealthReport(data);
  }
  return {
    get: async () => (await snapshot.get()).health,
    check: () => monitor.check(),
    async metrics() {
      const { health, entities } = await snapshot.get();
      metrics.update(health, entities);
      return metrics.render();
    },
    report: report as HealthService['report'],
    monitor,
    metricsRegistry: metrics,
  };
}
