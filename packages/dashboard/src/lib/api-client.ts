import { ApiError, apiErrorOf } from './api-error';
import { readEventStream } from './event-stream';
import type { RecordMatch, RecordTrace } from './trace-types';
import type { DeadLetter, DeadLetterFilter, EntityStats, HealAction, LiveSnapshot, QueueStatus, StoredAlert, SyncMode, SyncRun, VerifiedReliability, VerifyRequest, VerifyRun } from './types';

/** Everything the dashboard asks of TDS; every call carries the admin token in the Authorization header. */
export interface ApiClient {
  queue(): Promise<QueueStatus>;
  entities(): Promise<EntityStats[]>;
  deadLetters(filter: DeadLetterFilter): Promise<DeadLetter[]>;
  retryDeadLetter(id: string | 'all'): Promise<{ retried: number }>;
  resolveDeadLetter(id: string, note: string): Promise<{ resolved: boolean }>;
  startSync(entity: string, mode: SyncMode): Promise<{ runId: string }>;
  alerts(): Promise<{ open: StoredAlert[]; resolved: StoredAlert[] }>;
  healLog(): Promise<HealAction[]>;
  /** The latest verify runs and the 24 h verified reliability. */
  verifyRuns(): Promise<{ runs: VerifyRun[]; reliability: VerifiedReliability }>;
  /** Starts a verify (read-only, or with repair); 409 while one runs. */
  startVerify(request: VerifyRequest): Promise<{ started: boolean }>;
  /** Whether the verify this server started is still running. */
  verifyRunning(): Promise<boolean>;
  /** Records to trace by Zoho id, SKU, invoice/bill number or part of a name. */
  searchRecords(query: string): Promise<RecordMatch[]>;
  /** One record's timeline: webhook deliveries, queue items, versions applied, dead letters, verify results. */
  trace(entity: string, zohoId: string): Promise<RecordTrace>;
  /** Live snapshots until the server ends the stream or `signal` aborts. */
  liveSnapshots(onSnapshot: (snapshot: LiveSnapshot) => void, signal: AbortSignal): Promise<void>;
  /** A sync run's state on each change, until it finishes. */
  followRun(runId: string, onRun: (run: SyncRun) => void, signal: AbortSignal): Promise<void>;
}

export interface ApiClientOptions {
  token: string;
  /** Origin (and path prefix) of the TDS server; default: this page's origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Called once the server refuses the token (401/403), before the call rejects. */
  onUnauthorized?: () => void;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = (options.baseUrl ?? '').replace(/\/$/, '');
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const auth = { Authorization: `Bearer ${options.token}` };

  const refused = (error: unknown) => {
    if (error instanceof ApiError && error.unauthorized) options.onUnauthorized?.();
    return error;
  };

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetchFn(`${base}${path}`, {
        method,
        headers: body === undefined ? auth : { ...auth, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'network_error', 'The TDS server cannot be reached');
    }
    if (!res.ok) throw refused(await apiErrorOf(res));
    return (await res.json()) as T;
  }

  const stream = (path: string, onEvent: (name: string, data: unknown) => void, signal: AbortSignal) =>
    readEventStream(fetchFn, `${base}${path}`, auth, (e) => onEvent(e.event, JSON.parse(e.data)), signal).catch((error: unknown) => {
      throw refused(error);
    });

  return {
    queue: () => call('GET', '/api/tds/queue'),
    entities: async () => (await call<{ entities: EntityStats[] }>('GET', '/api/tds/entities')).entities,
    async deadLetters(filter) {
      const query = new URLSearchParams({ limit: '500' });
      if (filter.entity) query.set('entity', filter.entity);
      if (filter.includeResolved) query.set('includeResolved', 'true');
      return (await call<{ items: DeadLetter[] }>('GET', `/api/tds/dlq?${query}`)).items;
    },
    retryDeadLetter: (id) => call('POST', `/api/tds/dlq/${encodeURIComponent(id)}/retry`),
    resolveDeadLetter: (id, note) => call('POST', `/api/tds/dlq/${encodeURIComponent(id)}/resolve`, { note }),
    startSync: (entity, mode) => call('POST', `/api/tds/sync/${encodeURIComponent(entity)}`, { mode }),
    alerts: () => call('GET', '/api/tds/alerts'),
    healLog: async () => (await call<{ actions: HealAction[] }>('GET', '/api/tds/heal-log?limit=100')).actions,
    verifyRuns: () => call('GET', '/api/tds/verify/runs?limit=20'),
    startVerify: (request) => call('POST', '/api/tds/verify', { entities: request.entities, repair: request.repair }),
    async verifyRunning() {
      try {
        return (await call<{ running: boolean }>('GET', '/api/tds/verify')).running;
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return false;
        throw error;
      }
    },
    searchRecords: async (query) => (await call<{ results: RecordMatch[] }>('GET', `/api/tds/trace/search?${new URLSearchParams({ q: query })}`)).results,
    trace: (entity, zohoId) => call('GET', `/api/tds/trace/${encodeURIComponent(entity)}/${encodeURIComponent(zohoId)}`),
    liveSnapshots: (onSnapshot, signal) =>
      stream('/api/tds/events', (name, data) => name === 'snapshot' && onSnapshot(data as LiveSnapshot), signal),
    followRun: (runId, onRun, signal) =>
      stream(`/api/tds/sync/runs/${encodeURIComponent(runId)}/events`, (name, data) => name === 'run' && onRun(data as SyncRun), signal),
  };
}
