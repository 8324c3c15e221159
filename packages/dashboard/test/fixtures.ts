import type { ApiClient } from '../src/lib/api-client';
import type { DeadLetter, EntityStats, LiveSnapshot, SyncRun } from '../src/lib/types';

export function snapshotFixture(overrides: Partial<LiveSnapshot> = {}): LiveSnapshot {
  const now = Date.parse('2026-11-29T12:00:00Z');
  return {
    at: new Date(now).toISOString(),
    health: {
      status: 'warning',
      checked_at: new Date(now).toISOString(),
      queue_status: { pending: 1234, processing: 3, completed_last_24h: 56789, failed: 2, retrying: 5, ready: 1200, expired_leases: 0 },
      dead_letter_queue: { total_items: 9, unresolved: 4, added_last_24h: 1 },
      last_sync_timestamps: { products: new Date(now - 60_000).toISOString() },
      last_sync_age_seconds: { products: 60 },
      workers: { status: 'running', alive: 2, crashed: 1, known: 3, processing_rate: 41.5, last_heartbeat_at: new Date(now - 2000).toISOString() },
      zoho_api: {
        token_valid: true,
        token_expires_in: 3540,
        token_last_refresh: new Date(now - 60_000).toISOString(),
        credential_valid: true,
        credential_error: null,
        rate_limit_per_minute: 100,
        requests_in_window: 3,
        rate_limit_remaining: 97,
        daily_quota: { limit: 10_000, remaining: 8765, reset_at: '2026-11-30T00:00:00Z' },
        daily_quota_remaining: 8765,
        paused_until: null,
      },
      sync_delay_seconds: 252,
      sync_delay: { oldest_pending_seconds: 252, p50_seconds: 1.2, p95_seconds: 8, average_seconds: 2, samples: 56789 },
      success_metrics: { reliability_percent: 99.98, failed_percent: 0.02, heal_success_percent: 100 },
      alerts: [{ code: 'dlq_unresolved', severity: 'warning', component: 'dead-letter-queue', message: '4 dead letters are unresolved', remediation: 'Retry or resolve them' }],
    },
    queue: {
      pending: 1234,
      ready: 1200,
      retrying: 5,
      deferred: 0,
      most_deferrals: 0,
      processing: 3,
      expired_leases: 0,
      completed: 99_000,
      completed_last_24h: 56789,
      failed: 2,
      dead_letters: 9,
      dead_letters_open: 4,
      oldest_pending_at: new Date(now - 252_000).toISOString(),
      by_entity: [{ entity_type: 'products', pending: 1234, processing: 3 }],
    },
    throughput: Array.from({ length: 60 }, (_, i) => ({
      minute: new Date(now - (59 - i) * 60_000).toISOString(),
      completed: i === 59 ? 42 : i % 10,
      dead_lettered: i === 30 ? 1 : 0,
    })),
    ...overrides,
  };
}

export function deadLetterFixture(id: string, overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    id,
    original_queue_id: null,
    entity_type: 'products',
    zoho_id: `item-${id}`,
    operation: 'upsert',
    payload: { item: { item_id: `item-${id}`, name: 'Samsung Galaxy A15', cf_name_ar: 'هاتف سامسونج جالكسي' } },
    error: 'ZohoValidationError: item item-1: rate: expected a decimal, received "abc"',
    retry_count: 5,
    source: 'webhook',
    failed_at: '2026-11-29T11:00:00Z',
    resolved_at: null,
    resolution_note: null,
    retried_at: null,
    ...overrides,
  };
}

export function entityFixture(entity: string, overrides: Partial<EntityStats> = {}): EntityStats {
  return {
    entity,
    table: entity === 'stock' ? 'stock_levels' : entity === 'pricelists' ? 'price_lists' : entity,
    rows: 0,
    deleted_rows: 0,
    last_sync_at: null,
    last_full_sync_at: null,
    last_incremental_sync_at: null,
    cursor: null,
    last_run_status: null,
    last_error: null,
    queue_pending: 0,
    queue_processing: 0,
    dead_letters_open: 0,
    last_run: null,
    ...overrides,
  };
}

/** An in-memory ApiClient that behaves like the server for what a view test needs, and records each call. */
export function fakeClient(overrides: Partial<ApiClient> = {}): ApiClient & { calls: Array<[string, ...unknown[]]> } {
  const calls: Array<[string, ...unknown[]]> = [];
  const never = (signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
  const base: ApiClient = {
    queue: async () => snapshotFixture().queue,
    entities: async () => [],
    deadLetters: async () => [],
    retryDeadLetter: async () => ({ retried: 1 }),
    resolveDeadLetter: async () => ({ resolved: true }),
    startSync: async () => ({ runId: 'run-1' }),
    alerts: async () => ({ open: [], resolved: [] }),
    healLog: async () => [],
    verifyRuns: async () => ({ runs: [], reliability: { ratio: null, checked: 0, matching: 0, drifted: 0, missing: 0, extra: 0, runs: 0, windowHours: 24, lastRunAt: null } }),
    startVerify: async () => ({ started: true }),
    verifyRunning: async () => false,
    searchRecords: async () => [],
    trace: async (entity, zohoId) => ({ entity: entity as 'products', zoho_id: zohoId, stored: null, timeline: [] }),
    liveSnapshots: (_on, signal) => never(signal),
    followRun: (_id, _on, signal) => never(signal),
  };
  const merged = { ...base, ...overrides };
  const recorded = Object.fromEntries(
    Object.entries(merged).map(([name, fn]) => [
      name,
      (...args: unknown[]) => {
        calls.push([name, ...args.filter((a) => !(a instanceof AbortSignal) && typeof a !== 'function')]);
        return (fn as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as unknown as ApiClient;
  return Object.assign(recorded, { calls });
}

export function runFixture(overrides: Partial<SyncRun> = {}): SyncRun {
  return {
    runId: 'run-1',
    entities: ['products'],
    mode: 'full',
    status: 'running',
    startedAt: new Date(Date.now() - 5000).toISOString(),
    finishedAt: null,
    progress: {},
    results: [],
    error: null,
    ...overrides,
  };
}
