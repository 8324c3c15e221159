import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { silentLogger } from '../db/logger-like';
import { errorText } from '../queue/error-text';
import { reapExpiredLeases } from '../queue/reap-expired-leases';
import { release } from '../queue/release';
import { renewLeases } from '../queue/renew-leases';
import { createQueueListener } from './queue-listener';
import { pruneWorkers, recordHeartbeats } from './record-heartbeats';
import { WorkerPoolConfigError, type WorkerPool, type WorkerPoolOptions, type WorkerPoolStatus } from './types';
import { Wakeup } from './wakeup';
import { createWorker, type Worker } from './worker';

/**
 * Items a worker claims at once unless told otherwise. Products carried whole are applied in one
 * transaction per claim (docs/apply-batches.md), so a claim's fixed costs (its round trips, commits,
 * statement plans and trigger calls) are shared by this many records; items the handler does not
 * get to before its deadline go back without a counted attempt (docs/webhooks-and-queue.md).
 */
export const DEFAULT_WORKER_BATCH_SIZE = 200;

function positive(name: string, value: number, { integer = false, max = Number.MAX_SAFE_INTEGER } = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max || (integer && !Number.isInteger(value))) {
    throw new WorkerPoolConfigError(`${name} must be a positive ${integer ? 'whole ' : ''}number${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}`);
  }
  return value;
}

function resolveOptions(options: WorkerPoolOptions) {
  if (!options || !options.db || !options.pool) throw new WorkerPoolConfigError('db and pool are required');
  if (typeof options.handlers !== 'object' || options.handlers === null) throw new WorkerPoolConfigError('handlers must map entity types to functions');
  for (const [entityType, handler] of Object.entries(options.handlers)) {
    if (typeof handler !== 'function') throw new WorkerPoolConfigError(`handler for "${entityType}" is not a function`);
  }
  const leaseSeconds = positive('leaseSeconds', options.leaseSeconds ?? 60, { max: 86_400 });
  const heartbeatMs = positive('heartbeatMs', options.heartbeatMs ?? Math.min(5000, (leaseSeconds * 1000) / 3));
  if (heartbeatMs >= leaseSeconds * 1000) throw new WorkerPoolConfigError('heartbeatMs must be shorter than the lease, or leases run out between renewals');
  return {
    concurrency: positive('concurrency', options.concurrency ?? 2, { integer: true, max: 256 }),
    batchSize: positive('batchSize', options.batchSize ?? DEFAULT_WORKER_BATCH_SIZE, { integer: true, max: 10_000 }),
    leaseSeconds,
    heartbeatMs,
    pollIntervalMs: positive('pollIntervalMs', options.pollIntervalMs ?? 1000),
    handlerTimeoutMs: positive('handlerTimeoutMs', options.handlerTimeoutMs ?? leaseSeconds * 1000),
    maxDeferrals: options.maxDeferrals === undefined ? undefined : positive('maxDeferrals', options.maxDeferrals, { integer: true, max: 1_000_000 }),
    channel: options.channel ?? 'tds_queue',
    logger: options.logger ?? silentLogger,
  };
}

/**
 * A pool of workers in this process draining the shared queue. Any number of pools in any number
 * of processes can run against one database: claims never overlap (SKIP LOCKED), leases bring back
 * what a dead process held, heartbeats show who is alive.
 */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const settings = resolveOptions(options);
  const { db, pool, handlers } = options;
  const { logger } = settings;
  const meta = { poolId: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`, processId: process.pid, hostname: hostname() };

  const maxConnections = (pool as { options?: { max?: number } }).options?.max;
  if (maxConnections !== undefined && maxConnections < settings.concurrency + 2) {
    logger.warn({ maxConnections, concurrency: settings.concurrency }, 'the pg pool is smaller than workers + 2; workers will wait for connections');
  }

  let state: WorkerPoolStatus['state'] = 'new';
  let generation = 0;
  // Per start: a worker of an earlier run that is still stuck in a handler must never resume claiming.
  let run = { stopping: false };
  let beating = false;
  let workers: Worker[] = [];
  let loops: Promise<void>[] = [];
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let heartbeatRunning: Promise<void> | undefined;
  const wakeup = new Wakeup();
  const listener = createQueueListener({ pool, channel: settings.channel, onNotify: () => wakeup.wakeAll(), logger });

  const heartbeatRows = () => workers.map((w) => w.status());

  async function beat(): Promise<void> {
    try {
      for (const worker of workers) {
        const ids = worker.inFlight();
        if (ids.length === 0) continue;
        const held = await renewLeases(db, worker.workerId, ids, settings.leaseSeconds);
        if (held.length < ids.length) logger.warn({ workerId: worker.workerId, lost: ids.length - held.length }, 'leases lost before renewal');
      }
      await recordHeartbeats(db, meta, heartbeatRows());
      const reaped = await reapExpiredLeases(db);
      if (reaped.length > 0) logger.warn({ ids: reaped }, 'items whose lease ran out on their last attempt moved to the dead-letter queue');
    } catch (error) {
      logger.warn({ err: errorText(error) }, 'heartbeat failed');
    }
  }

  function scheduleHeartbeat(): void {
    heartbeatTimer = setTimeout(() => {
      heartbeatRunning = beat().finally(() => {
        heartbeatRunning = undefined;
        if (beating) scheduleHeartbeat();
      });
    }, settings.heartbeatMs);
  }

  async function start(): Promise<void> {
    if (state === 'running' || state === 'stopping') return;
    generation++;
    const thisRun = { stopping: false };
    run = thisRun;
    workers = Array.from({ length: settings.concurrency }, (_, i) =>
      createWorker(`${meta.poolId}:${generation}:${i + 1}`, {
        db,
        handlers,
        batchSize: settings.batchSize,
        leaseSeconds: settings.leaseSeconds,
        pollIntervalMs: settings.pollIntervalMs,
        handlerTimeoutMs: settings.handlerTimeoutMs,
        backoff: options.backoff,
        maxDeferrals: settings.maxDeferrals,
        logger,
        wakeup,
        isStopping: () => thisRun.stopping,
      }),
    );
    await pruneWorkers(db);
    await recordHeartbeats(db, meta, heartbeatRows());
    state = 'running';
    listener.start();
    beating = true;
    loops = workers.map((worker) =>
      worker.run().catch((error: unknown) => logger.error({ workerId: worker.workerId, err: errorText(error) }, 'worker stopped on an unexpected error')),
    );
    scheduleHeartbeat();
    logger.info({ poolId: meta.poolId, workers: settings.concurrency, batchSize: settings.batchSize, leaseSeconds: settings.leaseSeconds }, 'worker pool started');
  }

  async function stop({ graceMs = 10_000 }: { graceMs?: number } = {}): Promise<void> {
    if (state !== 'running') return;
    state = 'stopping';
    run.stopping = true;
    wakeup.wakeAll();
    let graceTimer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      Promise.all(loops).then(() => true),
      new Promise<false>((resolve) => {
        graceTimer = setTimeout(() => resolve(false), Math.max(0, graceMs));
      }),
    ]);
    clearTimeout(graceTimer);
    if (!finished) {
      for (const worker of workers) worker.abort();
      logger.warn({ graceMs }, 'in-flight batches did not finish within the grace period; releasing them');
    }
    // Heartbeats kept renewing leases during the grace period; now they end.
    beating = false;
    clearTimeout(heartbeatTimer);
    await heartbeatRunning;
    // Whatever a worker still holds (an unfinished batch) goes back to pending for others.
    for (const worker of workers) {
      await release(db, worker.workerId).catch((error: unknown) =>
        logger.error({ workerId: worker.workerId, err: errorText(error) }, 'could not release items; they return after their lease'),
      );
    }
    await listener.stop();
    await recordHeartbeats(db, meta, workers.map((w) => ({ ...w.status(), state: 'stopped' as const, inFlight: 0 }))).catch(() => {});
    state = 'stopped';
    logger.info({ poolId: meta.poolId }, 'worker pool stopped');
  }

  return {
    start,
    stop,
    async restart(restartOptions) {
      await stop(restartOptions);
      await start();
    },
    status(): WorkerPoolStatus {
      const statuses = workers.map((w) => w.status());
      return {
        state,
        workers: statuses,
        listener: listener.status(),
        processed: statuses.reduce((n, w) => n + w.processed, 0),
        failed: statuses.reduce((n, w) => n + w.failed, 0),
        deferred: statuses.reduce((n, w) => n + w.deferred, 0),
      };
    },
  };
}
