import { createMemoryTokenStore, type TokenStore } from './auth/token-store';
import type { ZohoCredentials } from './auth/token-endpoint';
import { createTokenManager, type ZohoAuthStatus } from './auth/token-manager';
import { systemClock, type ZohoClock } from './clock';
import { resolveZohoUrls, type ZohoDataCenter } from './data-centers';
import { ZohoConfigError } from './errors';
import type { ZohoHooks, ZohoLogger } from './hooks';
import { createDailyBudget } from './rate-limit/daily-budget';
import { createPQueueRateLimiter } from './rate-limit/p-queue-rate-limiter';
import type { RateLimiter } from './rate-limit/rate-limiter';
import { createSecretRegistry } from './redact';
import { createRequestCalls, type ZohoRequest, type ZohoStreamRequest } from './request/request-core';
import { createHttpSend, type FetchLike } from './transport/transport';
import { createHttpStreamSend } from './transport/stream-transport';
import { createBooksResources, type ZohoBooksResources } from './resources/books';
import { createInventoryResources, type ZohoInventoryResources } from './resources/inventory';
import { createRequestCounters, type ZohoClientStats, type ZohoDailyBudget } from './stats';

export interface ZohoClientOptions {
  organizationId: string;
  /** Default `com`. */
  dataCenter?: ZohoDataCenter;
  credentials: ZohoCredentials;
  /** Overrides the accounts host (token endpoint `${accountsUrl}/oauth/v2/token`). */
  accountsUrl?: string;
  /** Overrides the API host (`${apiUrl}/books/v3`, `${apiUrl}/inventory/v1`); `api_domain` is then ignored. */
  apiUrl?: string;
  /** Where the access token lives (default: in memory). */
  tokenStore?: TokenStore;
  /** Shared request budget (default: in-process p-queue of requestsPerMinute / maxConcurrent). */
  rateLimiter?: RateLimiter;
  /** Default 100. Ignored when `rateLimiter` is given. */
  requestsPerMinute?: number;
  /** Default 10. Ignored when `rateLimiter` is given. */
  maxConcurrent?: number;
  /** Per attempt, default 30 000. */
  timeoutMs?: number;
  /** Default 5. */
  maxRetries?: number;
  /** First backoff step (default 1 000 ms); doubled per retry, with full jitter. */
  retryBaseDelayMs?: number;
  /** Backoff ceiling (default 60 000 ms). */
  retryMaxDelayMs?: number;
  /** Default false: every non-GET call throws ZohoWriteBlockedError. */
  allowWrites?: boolean;
  fetch?: FetchLike;
  hooks?: ZohoHooks;
  logger?: ZohoLogger;
  /** When Zoho's daily quota is spent: wait for the reset (default) or throw ZohoQuotaExhaustedError. */
  onDailyQuotaExhausted?: 'wait' | 'fail';
  /** Refresh this long before the token expires (default 300 000 = 5 min). */
  refreshMarginMs?: number;
  /** Wait after Zoho's token "Access Denied" throttle before minting again (default 600 000 = its 10-min window). */
  accessDeniedWaitMs?: number;
  /** Time and sleep (tests). */
  clock?: ZohoClock;
  /** Jitter source in [0, 1) (tests). */
  random?: () => number;
}

export interface ZohoAuth {
  /** A valid access token, refreshed (once, for every concurrent caller) when within 5 min of expiry. */
  getAccessToken(): Promise<string>;
  /** Forces a refresh now. */
  refresh(): Promise<{ expiresAt: Date }>;
  /** Token metadata only: never the token itself. */
  status(): ZohoAuthStatus;
}

export interface ZohoClient {
  readonly organizationId: string;
  books: ZohoBooksResources;
  inventory: ZohoInventoryResources;
  auth: ZohoAuth;
  /** Low-level call through the same pipeline (auth, limits, retries, read-only guard). */
  request: ZohoRequest;
  /** Low-level GET whose 2xx answer a reader consumes as a stream, through the same pipeline. */
  requestStream: ZohoStreamRequest;
  stats(): ZohoClientStats;
}

/** The budget with the smaller share left (either, when only one API has answered yet). */
function mostSpent(a: ZohoDailyBudget | null, b: ZohoDailyBudget | null): ZohoDailyBudget | null {
  if (!a || !b) return a ?? b;
  return a.remaining * b.limit <= b.remaining * a.limit ? a : b;
}

function positive(name: string, value: number | undefined, fallback: number, { allowZero = false } = {}): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ZohoConfigError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${String(value)}`);
  }
  return value;
}

function checkOptions(options: ZohoClientOptions): void {
  if (!options || typeof options !== 'object') throw new ZohoConfigError('createZohoClient needs an options object');
  if (typeof options.organizationId !== 'string' || options.organizationId.trim() === '') {
    throw new ZohoConfigError('organizationId is required (the Zoho organization id, e.g. from ZOHO_ORGANIZATION_ID)');
  }
  const c = options.credentials;
  const missing = (['clientId', 'clientSecret', 'refreshToken'] as const).filter(
    (key) => !c || typeof c[key] !== 'string' || c[key].trim() === '',
  );
  if (missing.length > 0) throw new ZohoConfigError(`credentials.${missing.join(', credentials.')} required`);
  if (options.onDailyQuotaExhausted !== undefined && !['wait', 'fail'].includes(options.onDailyQuotaExhausted)) {
    throw new ZohoConfigError(`onDailyQuotaExhausted must be 'wait' or 'fail'`);
  }
}

export function createZohoClient(options: ZohoClientOptions): ZohoClient {
  checkOptions(options);
  const urls = resolveZohoUrls(options);
  const clock = options.clock ?? systemClock;
  const timeoutMs = positive('timeoutMs', options.timeoutMs, 30_000);
  const send = createHttpSend(options.fetch);
  const secrets = createSecretRegistry([options.credentials.clientSecret, options.credentials.refreshToken]);
  const counters = createRequestCounters();

  const tokens = createTokenManager({
    credentials: options.credentials,
    tokenUrl: urls.tokenUrl,
    store: options.tokenStore ?? createMemoryTokenStore(),
    send,
    clock,
    secrets,
    timeoutMs,
    refreshMarginMs: positive('refreshMarginMs', options.refreshMarginMs, 5 * 60_000, { allowZero: true }),
    accessDeniedWaitMs: positive('accessDeniedWaitMs', options.accessDeniedWaitMs, 10 * 60_000, { allowZero: true }),
    accessDeniedMaxWaits: 3,
    hooks: options.hooks,
    logger: options.logger,
  });
  const limiter =
    options.rateLimiter ??
    createPQueueRateLimiter({
      requestsPerMinute: positive('requestsPerMinute', options.requestsPerMinute, 100),
      maxConcurrent: positive('maxConcurrent', options.maxConcurrent, 10),
      clock,
    });
  const whenExhausted = options.onDailyQuotaExhausted ?? 'wait';
  const dailyBudgets = { books: createDailyBudget(clock, whenExhausted), inventory: createDailyBudget(clock, whenExhausted) };

  const { request, requestStream } = createRequestCalls({
    organizationId: options.organizationId,
    fixedApiUrl: urls.apiUrlFixed ? urls.apiUrl : null,
    defaultApiUrl: urls.apiUrl,
    auth: tokens,
    limiter,
    dailyBudgets,
    send,
    sendStream: createHttpStreamSend(options.fetch),
    counters,
    secrets,
    clock,
    random: options.random ?? Math.random,
    maxRetries: positive('maxRetries', options.maxRetries, 5, { allowZero: true }),
    timeoutMs,
    retryBaseDelayMs: positive('retryBaseDelayMs', options.retryBaseDelayMs, 1_000, { allowZero: true }),
    retryMaxDelayMs: positive('retryMaxDelayMs', options.retryMaxDelayMs, 60_000, { allowZero: true }),
    allowWrites: options.allowWrites === true,
    hooks: options.hooks,
    logger: options.logger,
  });

  return {
    organizationId: options.organizationId,
    books: createBooksResources(request, requestStream),
    inventory: createInventoryResources(request),
    auth: {
      getAccessToken: async () => (await tokens.getToken()).accessToken,
      refresh: async () => ({ expiresAt: (await tokens.refresh()).token.expiresAt }),
      status: () => tokens.status(),
    },
    request,
    requestStream,
    stats() {
      const auth = tokens.status();
      return {
        ...counters.snapshot(),
        dailyBudget: mostSpent(dailyBudgets.books.snapshot(), dailyBudgets.inventory.snapshot()),
        dailyBudgets: { books: dailyBudgets.books.snapshot(), inventory: dailyBudgets.inventory.snapshot() },
        token: { expiresAt: auth.expiresAt, lastRefreshAt: auth.lastRefreshAt, refreshCount: auth.refreshCount },
      };
    },
  };
}
