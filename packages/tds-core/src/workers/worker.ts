import type { Kysely } from 'kysely';
import type { LoggerLike } from '../db/logger-like';
import type { Database } from '../db/schema';
import { claim } from '../queue/claim';
import { complete } from '../queue/complete';
import { completeAndClaim } from '../queue/complete-and-claim';
import { deferMany } from '../queue/defer';
import { errorText } from '../queue/error-text';
import { failMany } from '../queue/fail';
import { release } from '../queue/release';
import type { BackoffOptions, QueueItem } from '../queue/types';
import { runHandlers } from './run-handlers';
import type { BatchHandler, WorkerState, WorkerStatus } from './types';
import type { Wakeup } from './wakeup';

export interface WorkerSettings {
  db: Kysely<Database>;
  handlers: Record<string, BatchHandler>;
  batchSize: number;
  leaseSeconds: number;
  pollIntervalMs: number;
  handlerTimeoutMs: number;
  backoff?: BackoffOptions;
  maxDeferrals?: number;
  logger: LoggerLike;
  wakeup: Wakeup;
  isStopping: () => boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** When a deferral names no time: back in 1-3 s, spread so a deferred batch does not return as one. */
const deferDelaySeconds = () => 1 + 2 * Math.random();

/** Retries a completion write a few times: a lost write means the item is done again after its lease. */
async function persist<T>(what: string, logger: LoggerLike, write: () => Promise<T>): Promise<T | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= 3) {
        logger.error({ err: errorText(error) }, `${what} failed; the items return after their lease`);
        return undefined;
      }
      await sleep(200 * attempt);
    }
  }
}

/** One worker: claim a batch, run the handlers, record completions and failures; sleep when idle. */
export function createWorker(workerId: string, settings: WorkerSettings) {
  const { db, logger, wakeup } = settings;
  let state: WorkerState = 'idle';
  let inFlight: string[] = [];
  let controller: AbortController | undefined;
  // Set when the pool gave up waiting for this worker: its items are released, so late results are dropped.
  let abandoned = false;
  let processed = 0;
  let failed = 0;
  let deferred = 0;
  let lastClaimAt: Date | null = null;
  let lastCompletedAt: Date | null = null;
  let lastError: string | null = null;
  const startedAt = new Date();

  /** Runs one batch; returns the ids to complete (failures are recorded here, completions with the next claim). */
  async function processBatch(items: QueueItem[]): Promise<string[]> {
    state = 'processing';
    inFlight = items.map((i) => i.id);
    controller = new AbortController();
    try {
      const outcomes = await runHandlers(items, settings.handlers, { workerId, controller, timeoutMs: settings.handlerTimeoutMs });
      if (abandoned) {
        inFlight = [];
        return [];
      }
      const failures = outcomes.flatMap((o) => (o.status === 'failed' ? [{ id: o.id, error: o.error, retryable: o.retryable }] : []));
      if (failures.length > 0) {
        failed += failures.length;
        lastError = failures[0].error;
        const results = await persist('recording failures', logger, () => failMany(db, workerId, failures, { backoff: settings.backoff }));
        const dead = results?.filter((r) => r.outcome === 'dead_letter').length ?? 0;
        logger.warn({ workerId, failed: failures.length, deadLettered: dead, error: lastError }, 'items failed');
      }
      const deferrals = outcomes.flatMap((o) => (o.status === 'deferred' ? [{ id: o.id, reason: o.reason, notBefore: o.notBefore, delaySeconds: deferDelaySeconds() }] : []));
      if (deferrals.length > 0) {
        const results = await persist('deferring items', logger, () => deferMany(db, workerId, deferrals, { maxDeferrals: settings.maxDeferrals, backoff: settings.backoff }));
        const counted = results?.filter((r) => r.outcome === 'retry' || r.outcome === 'dead_letter').length ?? 0;
        deferred += deferrals.length - counted;
        failed += counted;
        logger.info({ workerId, deferred: deferrals.length, countedAsAttempt: counted, reason: deferrals[0].reason }, 'items deferred: waiting on Zoho');
      }
      const completed = outcomes.filter((o) => o.status === 'completed').map((o) => o.id);
      inFlight = completed; // still ours until the next step records them
      return completed;
    } finally {
      controller = undefined;
      state = settings.isStopping() ? 'stopping' : 'idle';
    }
  }

  function recordCompleted(requested: string[], done: string[]): void {
    processed += done.length;
    if (done.length > 0) lastCompletedAt = new Date();
    if (done.length < requested.length) {
      logger.warn({ workerId, lost: requested.length - done.length }, 'items finished after their lease was lost; their new holder redoes them');
    }
  }

  async function run(): Promise<void> {
    let claimErrors = 0;
    // Completions of the last batch travel with the next claim: one statement, one commit per step.
    let toComplete: string[] = [];
    while (!settings.isStopping()) {
      const generation = wakeup.generation;
      let items: QueueItem[];
      try {
        const claimOptions = { workerId, batchSize: settings.batchSize, leaseSeconds: settings.leaseSeconds };
        if (toComplete.length > 0) {
          const step = await completeAndClaim(db, toComplete, claimOptions);
          recordCompleted(toComplete, step.completed);
          toComplete = [];
          items = step.items;
        } else {
          items = await claim(db, claimOptions);
        }
        claimErrors = 0;
      } catch (error) {
        claimErrors++;
        lastError = errorText(error);
        logger.warn({ workerId, err: lastError, consecutive: claimErrors }, 'claim failed; retrying');
        await wakeup.wait(Math.min(settings.pollIntervalMs * claimErrors, 5000));
        continue;
      } finally {
        // After a failed step the completions are retried with the next one, so their leases stay renewed.
        inFlight = toComplete;
      }
      if (items.length === 0) {
        // A NOTIFY that arrived while claiming means there may be work already: claim again at once.
        if (wakeup.generation === generation) await wakeup.wait(settings.pollIntervalMs);
        continue;
      }
      lastClaimAt = new Date();
      if (settings.isStopping()) {
        await persist('releasing items', logger, () => release(db, workerId, items.map((i) => i.id)));
        break;
      }
      toComplete = await processBatch(items);
    }
    if (toComplete.length > 0 && !abandoned) {
      const done = await persist('completing items', logger, () => complete(db, toComplete, workerId));
      recordCompleted(toComplete, done ?? []);
    }
    inFlight = [];
    state = 'stopped';
  }

  return {
    workerId,
    run,
    /** Ids whose leases the heartbeat renews. */
    inFlight: () => inFlight,
    /** Aborts the running handler and drops its results (graceful stop ran out of time); the pool releases its items. */
    abort: () => {
      abandoned = true;
      controller?.abort(new Error('worker pool stopping'));
    },
    status: (): WorkerStatus => ({ workerId, state, inFlight: inFlight.length, processed, failed, deferred, startedAt, lastClaimAt, lastCompletedAt, lastError }),
  };
}

export type Worker = ReturnType<typeof createWorker>;
