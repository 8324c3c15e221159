import { sql } from 'kysely';
import { clearAlert, raiseAlert } from '../../health/alerts/evaluate-alerts';
import { formatDuration } from '../../health/format';
import { scrubbedSnippet } from '../../health/sanitize';
import { errorText } from '../../queue/error-text';
import { deadCredentialReason } from '../../health/zoho-credential';
import { readTokenStatus } from '../../zoho-access/postgres-token-store';
import { readResumeSignal } from '../sql/read-resume-signal';
import { readStallState, type StallState } from '../sql/read-stall-state';
import type { HealContext, HealStep } from './context';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isStalled(s: StallState, limitSeconds: number): boolean {
  return (
    s.ready > 0 &&
    (s.oldest_ready_seconds ?? 0) > limitSeconds &&
    (s.since_last_completion_seconds === null || s.since_last_completion_seconds > limitSeconds)
  );
}

/** After a restart: a completion proves it at once; a heartbeat of a running pool by the deadline will do. */
async function waitForResume(ctx: HealContext, since: Date): Promise<{ resumed: boolean; signal: string; completed: number; heartbeats: number }> {
  const deadline = Date.now() + ctx.settings.resumeTimeoutMs;
  let last = { completed_since: 0, heartbeats_since: 0 };
  for (;;) {
    last = await readResumeSignal(ctx.db, since);
    if (last.completed_since > 0) return { resumed: true, signal: 'completion', completed: last.completed_since, heartbeats: last.heartbeats_since };
    if (Date.now() >= deadline) break;
    await sleep(ctx.settings.resumePollMs);
  }
  const running = (ctx.workerPool?.status?.().state ?? 'running') === 'running';
  const resumed = running && last.heartbeats_since > 0;
  return { resumed, signal: resumed ? 'heartbeat' : 'none', completed: 0, heartbeats: last.heartbeats_since };
}

/**
 * Due work waiting past the stall limit with nothing completed meanwhile: restart this process's
 * pool in-process (never through the service manager) and check that it resumed.
 */
export const restartStalledPoolStep: HealStep = async (ctx) => {
  const { db, settings, logger, sinks } = ctx;
  const limitSeconds = settings.stallMinutes * 60;
  const state = await readStallState(db);
  const base = { ready: state.ready, oldest_ready_seconds: state.oldest_ready_seconds, since_last_completion_seconds: state.since_last_completion_seconds };
  if (!isStalled(state, limitSeconds)) {
    const cleared = await clearAlert('workers_stalled', { db, sinks, logger });
    return { action: 'restart_stalled_workers', outcome: 'noop', details: { ...base, stalled: false, alert_resolved: cleared !== null } };
  }
  if (!ctx.workerPool) {
    return { action: 'restart_stalled_workers', outcome: 'noop', details: { ...base, stalled: true, skipped: 'no worker pool runs in this process' } };
  }
  const token = await readTokenStatus(db, ctx.organizationId);
  const reason = deadCredentialReason(token.lastError);
  if (reason) {
    return { action: 'restart_stalled_workers', outcome: 'noop', details: { ...base, stalled: true, skipped: `Zoho credential refused (${reason}); a restart cannot help` } };
  }
  if (ctx.state.lastRestartAt !== null && Date.now() - ctx.state.lastRestartAt < limitSeconds * 1000) {
    return { action: 'restart_stalled_workers', outcome: 'noop', details: { ...base, stalled: true, skipped: 'restarted recently; giving it time' } };
  }

  const since = (await sql<{ t: Date }>`SELECT clock_timestamp() AS t`.execute(db)).rows[0].t;
  logger.warn({ ...base }, 'processing stalled; restarting the worker pool in-process');
  ctx.state.lastRestartAt = Date.now();
  let restartError: string | null = null;
  try {
    await ctx.workerPool.restart({ graceMs: settings.restartGraceMs });
  } catch (error) {
    restartError = scrubbedSnippet(errorText(error), ctx.secrets);
  }
  const resume = restartError === null ? await waitForResume(ctx, since) : { resumed: false, signal: 'none', completed: 0, heartbeats: 0 };
  const details = { ...base, stalled: true, restarted: restartError === null, restart_error: restartError, ...resume };

  if (resume.resumed) {
    await clearAlert('workers_stalled', { db, sinks, logger });
    logger.info({ signal: resume.signal }, 'worker pool resumed after the restart');
    return { action: 'restart_stalled_workers', outcome: 'success', details };
  }
  await raiseAlert(
    {
      code: 'workers_stalled',
      severity: 'critical',
      component: 'workers',
      problem: `processing stalled and restarting the worker pool did not bring it back`,
      evidence: [
        `${state.ready} items due, the oldest waiting ${formatDuration(state.oldest_ready_seconds)}; last completion ${formatDuration(state.since_last_completion_seconds)} ago`,
        restartError ? `restart failed: ${restartError}` : `no completion or heartbeat within ${settings.resumeTimeoutMs} ms of the restart`,
      ],
      remediation:
        'Read the worker log for the error that blocks every batch (database, Zoho, a handler bug); restart the process ' +
        'running the workers. Items held by the stuck workers come back when their lease runs out.',
    },
    { db, sinks, logger },
  );
  return { action: 'restart_stalled_workers', outcome: 'failure', details };
};
