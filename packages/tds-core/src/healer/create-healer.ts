import { silentLogger } from '../db/logger-like';
import { createRepeatingTask } from '../scheduler/repeating-task';
import { scrubbedSnippet } from '../health/sanitize';
import type { HealthFinding } from '../health/types';
import { deadCredentialReason } from '../health/zoho-credential';
import { errorText } from '../queue/error-text';
import { diagnose } from '../health/diagnose';
import { replayDeadLetters } from './replay-dead-letters';
import { resolveHealerSettings } from './settings';
import { healSuccessRate, type HealSuccessRate } from '../health/sql/heal-success-rate';
import { purgeExpired } from './sql/purge-expired';
import { recordCredentialError } from './sql/record-credential-error';
import { recordHealAction } from './sql/record-heal-action';
import { checkZohoCredentialStep } from './steps/check-zoho-credential';
import { clearStuckLocksStep } from './steps/clear-stuck-locks';
import type { HealContext, HealStep } from './steps/context';
import { deadLetterExhaustedStep } from './steps/dead-letter-exhausted';
import { requeueFailedStep } from './steps/requeue-failed';
import { restartStalledPoolStep } from './steps/restart-stalled-pool';
import { purgeChangeFeed } from './purge-change-feed';
import type { CreateHealerArgs, DeadLetterReplayFilter, DeadLetterReplayResult, HealActionResult, HealRunResult } from './types';

export interface Healer {
  /** One pass of every heal step; each action is logged to tds_heal_log with its outcome. Never throws. */
  runOnce(): Promise<HealRunResult>;
  /** Runs every `intervalMs` (the timer does not keep the process alive). */
  start(intervalMs: number): void;
  /** Stops the schedule and waits for a run in progress. */
  stop(): Promise<void>;
  /**
   * Tells the healer that a Zoho call failed on auth (a ZohoAuthError, or just its reason). A
   * refusal only a person can fix is recorded for every process and raises the critical alert now.
   */
  reportAuthError(error: unknown): Promise<HealActionResult | null>;
  /** Replays dead letters on request (logged as a heal action). */
  replayDeadLetters(filter: DeadLetterReplayFilter): Promise<DeadLetterReplayResult>;
  /** Findings with remediation hints (the error-report layout). */
  diagnose(): Promise<HealthFinding[]>;
  /** The auto-healing success rate since `since` (default: the last 24 h). */
  healSuccessRate(since?: Date): Promise<HealSuccessRate>;
}

/** Order matters: a dead credential is known before a stall would restart workers that cannot help. */
const STEPS: ReadonlyArray<readonly [string, HealStep]> = [
  ['check_zoho_credential', checkZohoCredentialStep],
  ['clear_stuck_locks', clearStuckLocksStep],
  ['requeue_failed', requeueFailedStep],
  ['dead_letter_exhausted', deadLetterExhaustedStep],
  ['restart_stalled_workers', restartStalledPoolStep],
];

function reasonOf(error: unknown): string | null {
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && typeof (error as { reason?: unknown }).reason === 'string') return (error as { reason: string }).reason;
  return null;
}

/**
 * The healer of one process: scheduled inside `serve` and `worker`, and run on demand (`tds heal`).
 * Every process may run one; each step is safe to run concurrently with the others' (SKIP LOCKED,
 * one open alert per code), and only this process's own pool is ever restarted.
 */
export function createHealer(args: CreateHealerArgs): Healer {
  const settings = resolveHealerSettings(args.options);
  const logger = args.logger ?? silentLogger;
  const secrets = args.options?.health?.secrets ?? [];
  const ctx: HealContext = {
    db: args.db,
    organizationId: args.organizationId,
    workerPool: args.workerPool,
    logger,
    settings,
    sinks: args.sinks ?? [],
    secrets,
    state: { lastRestartAt: null },
  };

  async function logAction(result: HealActionResult): Promise<void> {
    try {
      await recordHealAction(args.db, result);
    } catch (error) {
      logger.error({ action: result.action, err: scrubbedSnippet(errorText(error), secrets) }, 'could not write the heal log');
    }
    if (result.outcome !== 'noop') {
      const level = result.outcome === 'failure' ? 'warn' : 'info';
      logger[level]({ action: result.action, outcome: result.outcome, target: result.target ?? undefined, details: result.details }, `heal: ${result.action} ${result.outcome}`);
    }
  }

  async function runStep(action: string, step: HealStep): Promise<HealActionResult> {
    let result: HealActionResult;
    try {
      result = await step(ctx);
    } catch (error) {
      result = { action, outcome: 'failure', details: { error: scrubbedSnippet(errorText(error), secrets) } };
    }
    await logAction(result);
    return result;
  }

  async function runAll(): Promise<HealRunResult> {
    const startedAt = new Date();
    const actions: HealActionResult[] = [];
    for (const [action, step] of STEPS) actions.push(await runStep(action, step));
    // Retention is housekeeping, not a heal action: reported with the run and in the log, kept
    // out of the heal log and its success rate. Last, so this run's actions are logged first.
    let purged: HealRunResult['purged'];
    try {
      purged = await purgeExpired(args.db, settings.retention, settings.retention);
      const total = purged.queue_items + purged.webhook_events + purged.heal_log + purged.alerts;
      if (total > 0) logger.info({ ...purged }, `retention: purged ${total} expired rows`);
    } catch (error) {
      purged = { error: scrubbedSnippet(errorText(error), secrets) ?? 'unknown error' };
      logger.warn({ err: purged.error }, 'retention purge failed; the next run tries again');
    }
    const purgedChanges = await purgeChangeFeed(args.db, args.options?.changesRetentionDays ?? 7, logger, (text) => scrubbedSnippet(text, secrets) ?? 'unknown error');
    return { started_at: startedAt.toISOString(), finished_at: new Date().toISOString(), actions, purged, purged_changes: purgedChanges };
  }

  const task = createRepeatingTask('healer', runAll);

  return {
    runOnce: task.run,
    start: task.start,
    stop: task.stop,
    async reportAuthError(error: unknown) {
      const reason = deadCredentialReason(reasonOf(error));
      if (!reason) return null;
      await recordCredentialError(args.db, args.organizationId, `Zoho refused the token refresh (${reason}), reported by a Zoho call`);
      return runStep('check_zoho_credential', checkZohoCredentialStep);
    },
    async replayDeadLetters(filter: DeadLetterReplayFilter) {
      try {
        const result = await replayDeadLetters(args.db, filter);
        await logAction({
          action: 'replay_dead_letters',
          outcome: result.replayed > 0 ? 'success' : 'noop',
          target: filter.entityType ?? (filter.ids ? `${filter.ids.length} id(s)` : filter.all ? 'all' : null),
          details: { replayed: result.replayed, ids: result.entries.slice(0, 50).map((e) => e.id) },
        });
        return result;
      } catch (error) {
        if (!(error instanceof Error && error.name === 'HealerInputError')) {
          await logAction({ action: 'replay_dead_letters', outcome: 'failure', details: { error: scrubbedSnippet(errorText(error), secrets) } });
        }
        throw error;
      }
    },
    diagnose: () => diagnose({ ...args.options?.health, db: args.db, organizationId: args.organizationId, stuckLockMinutes: settings.stuckLockMinutes }),
    healSuccessRate: (since?: Date) => healSuccessRate(args.db, since ?? new Date(Date.now() - 24 * 3600 * 1000)),
  };
}
