import { countOf } from '../format';
import type { HealthFinding } from '../types';
import type { ConditionContext } from './context';

export function workerConditions({ health }: ConditionContext): HealthFinding[] {
  const w = health.workers;
  if (w.alive > 0) return [];
  const pending = health.queue_status.pending;
  const evidence = [
    `workers alive 0 of ${w.known} known; last heartbeat ${w.last_heartbeat_at ?? 'never'}`,
    `pending items ${pending}`,
  ];
  if (w.crashed > 0) {
    return [
      {
        code: 'workers_down',
        severity: 'emergency',
        component: 'workers',
        problem: `${w.crashed} worker(s) stopped sending heartbeats without shutting down, and none is alive`,
        evidence,
        remediation:
          'The worker process crashed or hangs. Restart it (`tds worker`, or the service running `tds serve`) and read ' +
          'its last log lines; items it held return to the queue when their lease runs out.',
      },
    ];
  }
  return [
    {
      code: 'workers_down',
      severity: pending > 0 ? 'critical' : 'warning',
      component: 'workers',
      problem: pending > 0 ? `no worker is running and ${countOf(pending, 'item')} ${pending === 1 ? 'is' : 'are'} waiting` : 'no worker is running',
      evidence,
      remediation: 'Start workers: `tds worker` (or `tds serve`, which runs them too) with TDS_WORKERS ≥ 1.',
    },
  ];
}
