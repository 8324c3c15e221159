import { type HealthSnapshot, type SyncJob, type SyncOptions, type TdsCore } from '@tsh/tds-core';
import { createApplyContext, createVerifyApi, createWebhookIngestor, listConsumers, listDeadLetters, queueStats, readChanges, resetConsumer, resolveDeadLetter, retryDeadLetter, searchRecords, traceRecord, createDashboardReads } from '@tsh/tds-core/internal';
import { createZohoClient } from '@tsh/zoho-client';
import type { Logger } from 'pino';

export interface FakeCoreControls {
  core: TdsCore;
  /** What the next GET /api/health returns (or throws). */
  health: { snapshot: HealthSnapshot | Error };
  syncStarts: Array<{ entities: ReadonlyArray<string> | 'all'; options: SyncOptions | undefined }>;
  runs: Map<string, SyncJob>;
  closed: number;
}

/**
 * A TdsCore for adapter tests: webhooks, queue and DLQ are the real core functions on a real
 * test database; sync, health and report are scripted so the tests can steer them.
 */
export function createFakeCore(db: TdsCore['db'], logger: Logger, webhookSecret: string, maxBodyBytes?: number): FakeCoreControls {
  const controls: FakeCoreControls = {
    core: undefined as unknown as TdsCore,
    health: { snapshot: { status: 'healthy', queue: { pending: 0 } } },
    syncStarts: [],
    runs: new Map(),
    closed: 0,
  };
  const zoho = createZohoClient({
    organizationId: '42',
    credentials: { clientId: 'client-id', clientSecret: 'client-secret-never-used', refreshToken: 'refresh-never-used' },
    apiUrl: 'http://127.0.0.1:9',
    accountsUrl: 'http://127.0.0.1:9',
  });
  let nextRun = 1;
  controls.core = {
    db,
    logger,
    organizationId: '42',
    zoho,
    dashboard: createDashboardReads(db, '42'),
    webhooks: createWebhookIngestor({ db, secret: webhookSecret, maxBodyBytes, logger }),
    // Real verify against an unreachable Zoho: the verify routes' own tests use the sandbox.
    ...createVerifyApi({ db, zoho, applyContext: createApplyContext() }),
    queue: {
      status: async () => ({ ...(await queueStats(db)) }),
      clearLocks: async () => ({ cleared: 0 }),
    },
    dlq: {
      list: async (filter = {}) => (await listDeadLetters(db, { entityType: filter.entityType, state: filter.includeResolved ? 'all' : 'open', limit: filter.limit, offset: filter.offset })).items.map((row) => ({ ...row })),
      retry: async (target) => ({ retried: (await retryDeadLetter(db, target)).length }),
      resolve: async (id, note) => ({ resolved: (await resolveDeadLetter(db, id, note)) !== undefined }),
    },
    sync: {
      run: async () => [],
      start: async (entities, options) => {
        controls.syncStarts.push({ entities, options });
        const runId = `run-${nextRun++}`;
        controls.runs.set(runId, { runId, entities: [...entities], mode: options?.mode ?? 'incremental', status: 'running', startedAt: new Date(), finishedAt: null, progress: {}, results: [], error: null });
        return { runId };
      },
      getRun: async (runId) => controls.runs.get(runId) ?? null,
      estimateFull: async () => [],
    },
    token: {
      status: async () => ({ organizationId: '1', hasToken: true, expiresAt: null, expiresInSeconds: null, lastRefreshAt: null, refreshCount: 0, lastError: null, lastErrorAt: null, storedKeyId: null, configured: true }),
      refresh: async () => ({ refreshed: true, expiresAt: new Date() }),
    },
    health: {
      get: async () => {
        if (controls.health.snapshot instanceof Error) throw controls.health.snapshot;
        return controls.health.snapshot;
      },
      metrics: async () => ({
        contentType: 'text/plain; version=0.0.4; charset=utf-8',
        body: `# HELP tds_queue_pending Pending queue items\n# TYPE tds_queue_pending gauge\ntds_queue_pending ${(await queueStats(db)).pending}\n`,
      }),
      report: async (format) =>
        format === 'json' ? { title: 'TDS status report', queue: await queueStats(db) } : `TDS status report\nqueue pending: ${(await queueStats(db)).pending}\n`,
    },
    // The change feed's read side is real (the routes only read); subscribing needs a pool the fake has none of.
    changes: {
      read: (options = {}) => readChanges(db, options),
      subscribe: () => {
        throw new Error('the fake core does not subscribe to changes');
      },
      consumers: () => listConsumers(db),
      resetConsumer: (consumer, to) => resetConsumer(db, consumer, to),
    },
    trace: (entity, zohoId) => traceRecord(db, entity, zohoId),
    traceSearch: (query) => searchRecords(db, query),
    healer: { runOnce: async () => ({ started_at: new Date().toISOString(), finished_at: new Date().toISOString(), actions: [], purged: { error: 'not run by the fake core' } }) },
    start: async () => {},
    close: async () => {
      controls.closed++;
    },
  };
  return controls;
}
