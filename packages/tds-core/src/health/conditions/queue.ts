import { countOf, formatCount, formatDuration, formatRate } from '../format';
import type { HealthFinding } from '../types';
import type { ConditionContext } from './context';

export function queueConditions({ health, thresholds }: ConditionContext): HealthFinding[] {
  const q = health.queue_status;
  const out: HealthFinding[] = [];
  const pendingLevel = q.pending > thresholds.pendingItems.critical ? 'critical' : q.pending > thresholds.pendingItems.warning ? 'warning' : null;
  if (pendingLevel) {
    const limit = thresholds.pendingItems[pendingLevel];
    out.push({
      code: 'queue_backlog',
      severity: pendingLevel,
      component: 'queue',
      problem: `${countOf(q.pending, 'item')} ${q.pending === 1 ? 'is' : 'are'} waiting in the queue (${pendingLevel} above ${formatCount(limit)})`,
      evidence: [
        `pending ${formatCount(q.pending)} (due now ${formatCount(q.ready)}), processing ${formatCount(q.processing)}`,
        `oldest pending item waiting ${formatDuration(health.sync_delay.oldest_pending_seconds)}`,
        `processing rate ${formatRate(health.workers.processing_rate)} with ${health.workers.alive} worker(s) alive`,
      ],
      remediation:
        'Check that workers are running and keeping up (tds health). If they are, add workers (TDS_WORKERS) or another ' +
        '`tds worker` process; if the rate is held back, look for a Zoho rate-limit pause in the Zoho API section.',
    });
  }

  const failing = q.failed + q.retrying;
  const failingLevel = failing > thresholds.failingItems.critical ? 'critical' : failing > thresholds.failingItems.warning ? 'warning' : null;
  if (failingLevel) {
    out.push({
      code: 'failing_items',
      severity: failingLevel,
      component: 'queue',
      problem: `${countOf(failing, 'item')} failed ${failing === 1 ? 'its' : 'their'} last attempt (${failingLevel} above ${thresholds.failingItems[failingLevel]})`,
      evidence: [`${formatCount(q.retrying)} pending for a retry, ${formatCount(q.failed)} in status failed`],
      remediation:
        'Items with retries left are retried automatically with backoff (the healer re-queues failed ones); read their ' +
        'last_error to find the cause. Items out of retries go to the dead-letter queue (tds dlq list).',
    });
  }

  const minRate = thresholds.processingRatePerMinute.warning;
  // Judged only once the backlog is older than the 5-minute rate window (a fresh burst on an idle
  // system is not slow), and only with workers alive (without them, workers_down says it all).
  const backlogOldEnough = health.sync_delay.oldest_pending_seconds >= 300;
  if (backlogOldEnough && health.workers.alive > 0 && q.ready >= minRate && minRate > 0 && health.workers.processing_rate < minRate) {
    out.push({
      code: 'processing_slow',
      severity: 'warning',
      component: 'workers',
      problem: `processing ${formatRate(health.workers.processing_rate)} while ${formatCount(q.ready)} items are due (warning below ${minRate}/min)`,
      evidence: [
        `completed in the last 24 h: ${formatCount(q.completed_last_24h)}`,
        `workers alive: ${health.workers.alive}; Zoho pause: ${health.zoho_api.paused_until ?? 'none'}`,
      ],
      remediation:
        'A slow rate with work waiting means workers are blocked or throttled: check the Zoho rate budget and pause, ' +
        'handler errors in the log, and the database; the healer restarts a pool that has stalled.',
    });
  }

  const dlq = health.dead_letter_queue;
  const dlqLevel = dlq.unresolved > thresholds.deadLetters.critical ? 'critical' : dlq.unresolved > thresholds.deadLetters.warning ? 'warning' : null;
  if (dlqLevel) {
    out.push({
      code: 'dead_letters',
      severity: dlqLevel,
      component: 'dead-letter-queue',
      problem: `${countOf(dlq.unresolved, 'dead-lettered item')} need${dlq.unresolved === 1 ? 's' : ''} a decision (${dlqLevel} above ${thresholds.deadLetters[dlqLevel]})`,
      evidence: [`${formatCount(dlq.added_last_24h)} added in the last 24 h, ${formatCount(dlq.total_items)} in total`],
      remediation:
        'Inspect them with `tds dlq list`; fix the cause (data, mapping, permissions), then replay with ' +
        '`tds dlq retry <id|--all>` or close with `tds dlq resolve <id> --note "…"`.',
    });
  }
  return out;
}
