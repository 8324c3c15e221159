import { raceAbort, sleepUnlessAborted } from '../abortable';
import type { TokenManager } from '../auth/token-manager';
import type { ZohoClock } from '../clock';
import { apiBaseUrl, trustedApiDomain, ZOHO_API_PATHS, type ZohoApiName } from '../data-centers';
import { ZohoAbortedError, ZohoApiError, ZohoError, ZohoStreamBrokenError, ZohoWaitTooLongError } from '../errors';
import { callHook, log, type ZohoHooks, type ZohoLogger } from '../hooks';
import type { DailyBudget } from '../rate-limit/daily-budget';
import { readQuotaHeaders } from '../rate-limit/quota-headers';
import type { RateLimiter } from '../rate-limit/rate-limiter';
import type { SecretRegistry } from '../redact';
import { fullJitterDelay, rateLimitPauseMs } from '../retry/backoff';
import { decideRetry } from '../retry/retry-policy';
import type { RequestCounters } from '../stats';
import { interpretResponse, type ZohoEnvelope } from './interpret-response';
import { TransportError, type HttpRequest, type HttpSend } from '../transport/transport';
import type { HttpStreamResponse, HttpStreamSend } from '../transport/stream-transport';
import { ForcedRefreshLimitError } from '../auth/token-manager';
import { createScopeDenials, ORGANIZATION_NOT_ASSOCIATED, scopeKeyOf, scopeName, type ScopeDenial, type ScopeKey } from './scope-denials';
import { createUnauthorizedPolicy } from './unauthorized';
import { assertReadOnly } from './write-guard';

export type ZohoQueryValue = string | number | boolean | null | undefined;

export interface ZohoRequestOptions {
  query?: Record<string, ZohoQueryValue>;
  /** JSON body; only reaches Zoho on a client created with `allowWrites: true`. */
  body?: unknown;
  /**
   * Aborting it ends the call at once with ZohoAbortedError: the HTTP request in flight is
   * cancelled, and a wait for a rate-limit slot, the daily quota or a retry stops.
   */
  signal?: AbortSignal;
  /** Overrides the client's onDailyQuotaExhausted for this call. */
  onDailyQuotaExhausted?: 'wait' | 'fail';
  /**
   * Longest wait for a rate-limit slot, a 429 pause or a retry backoff this call takes; a longer one
   * ends the call at once with ZohoWaitTooLongError (with `retryAt`). Unset: it waits as long as it takes.
   */
  maxWaitMs?: number;
}

export type ZohoRequest = (
  method: string,
  api: ZohoApiName,
  path: string,
  options?: ZohoRequestOptions,
) => Promise<ZohoEnvelope>;

/**
 * Reads one streamed 2xx answer to its end (the answers of other statuses are read whole and
 * interpreted as request() does); it calls `handingOut` before it first hands a piece to its own
 * caller. What fails before that is retried like any failed attempt (when retryable); what fails
 * after it ends the call with ZohoStreamBrokenError, never retried here. Errors the caller's
 * consumer throws are to be wrapped in CallerError: they reach the caller unchanged.
 */
export type ZohoStreamReader<T> = (response: HttpStreamResponse, endpoint: string, handingOut: () => void) => Promise<T>;

/** request() whose 2xx answer is read as a stream by `read` instead of parsed whole. GET only. */
export type ZohoStreamRequest = <T>(api: ZohoApiName, path: string, options: ZohoRequestOptions, read: ZohoStreamReader<T>) => Promise<T>;

export interface RequestCoreOptions {
  organizationId: string;
  /** API host when `apiUrl` was given; otherwise the token's `api_domain`, then the data centre's host. */
  fixedApiUrl: string | null;
  defaultApiUrl: string;
  auth: TokenManager;
  limiter: RateLimiter;
  /** One per API: Books and Inventory each report (and enforce) their own daily quota. */
  dailyBudgets: Record<ZohoApiName, DailyBudget>;
  send: HttpSend;
  sendStream: HttpStreamSend;
  counters: RequestCounters;
  secrets: SecretRegistry;
  clock: ZohoClock;
  random: () => number;
  maxRetries: number;
  timeoutMs: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  allowWrites: boolean;
  hooks?: ZohoHooks;
  logger?: ZohoLogger;
}

function toQuery(query: Record<string, ZohoQueryValue> | undefined, organizationId: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null) out[key] = String(value);
  }
  out.organization_id = organizationId;
  return out;
}

/** What the scope verdict adds to a message: the scope to grant, and the organization to check. */
function scopeAdvice(scope: ScopeKey, organizationId: string): string {
  return (
    `grant a scope covering ${scope.api} module "${scope.module}" for ${scope.operation} (such as ${scopeName(scope)}) ` +
    `and re-authorize, or check that organization ${organizationId} is accessible to this user`
  );
}

/** Zoho's 401 for `endpoint`, with what TDS concluded from it appended to Zoho's own words. */
function refused401(error: ZohoApiError, endpoint: string, retryable: boolean, conclusion: string, cause?: unknown) {
  return new ZohoApiError({ status: 401, code: error.code, endpoint, retryable, cause, message: `${error.detail} — ${conclusion}` });
}

/** A 401 with code 6041: the organization is not associated with the user; no token would help. */
function organizationError(error: ZohoApiError, endpoint: string, organizationId: string) {
  return refused401(
    error,
    endpoint,
    false,
    `organization ${organizationId} is not associated with the Zoho user who authorized this ` +
      'refresh token: check organizationId, or authorize with a user of that organization (no new access token was minted)',
  );
}

/** A 401 where a scope verdict is already remembered: the same refusal, reported without minting. */
function rememberedScopeError(error: ZohoApiError, endpoint: string, scope: ScopeKey, denial: ScopeDenial, organizationId: string) {
  return refused401(
    error,
    endpoint,
    false,
    `the OAuth scopes do not cover ${endpoint}: a token freshly minted at ` +
      `${new Date(denial.tokenRefreshedAt).toISOString()} was already refused on ${scope.key}, so no new token is minted; ` +
      scopeAdvice(scope, organizationId),
  );
}

/** A 401 whose refresh the forced-mint cap refused: retryable once the window lets minting resume. */
function refreshCapError(error: ZohoApiError, endpoint: string, cap: ForcedRefreshLimitError) {
  return refused401(
    error,
    endpoint,
    true,
    `not refreshing the access token: ${cap.message}. Zoho allows 10 mints per refresh token per 10 minutes ` +
      'and kills the oldest of more than 10 live tokens; tokens refused again and again mean another tool mints with the same ' +
      'refresh token, or the scopes or organization do not cover what is asked',
    cap,
  );
}

function unauthorizedError(error: ZohoApiError, verdict: 'not-authorized' | 'tokens-churning', endpoint: string, organizationId: string, scope: ScopeKey) {
  if (verdict === 'tokens-churning') {
    return refused401(
      error,
      endpoint,
      true,
      'every access token tried was replaced before it could be used ' +
        '(more than 10 live tokens for this refresh token kill the oldest: is another tool minting with it?)',
    );
  }
  return refused401(
    error,
    endpoint,
    false,
    `still unauthorized with a token freshly minted for this request: the OAuth scopes do not cover ${endpoint}: ` + scopeAdvice(scope, organizationId),
  );
}

/**
 * The one request() every resource goes through. Around a single HTTP attempt it composes:
 * the read-only guard, the daily budget, the rate limiter, the access token (with one forced
 * refresh on a 401) and retries with backoff (a 429 pauses every caller through the limiter).
 */
interface Attempt {
  token?: string;
  /** When `token` was minted (epoch ms). */
  tokenRefreshedAt?: number;
  sentAt?: number;
}

/** One HTTP exchange: the answer's status and headers, and how to turn it into the call's result. */
interface Answered<T> {
  status: number;
  headers: Headers;
  result(): Promise<T>;
}

type Exchange<T> = (request: HttpRequest) => Promise<Answered<T>>;

async function readText(body: AsyncIterable<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const piece of body) text += decoder.decode(piece, { stream: true });
  return text + decoder.decode();
}

export function createRequestCore(o: RequestCoreOptions): ZohoRequest {
  return createRequestCalls(o).request;
}

/** request() and its streamed twin, sharing one pipeline (one 429 streak, one api_domain warning). */
export function createRequestCalls(o: RequestCoreOptions): { request: ZohoRequest; requestStream: ZohoStreamRequest } {
  const backoff = { baseMs: o.retryBaseDelayMs, maxMs: o.retryMaxDelayMs, random: o.random };
  // 429s in a row across every caller: a storm backs off exponentially even if each caller sees only one.
  let consecutive429 = 0;
  let warnedDomain: string | null = null;
  // Modules and operations a freshly minted token was refused on: later 401s there fail at once.
  const scopeDenials = createScopeDenials(o.clock);

  /** Where the bearer token goes: the fixed host, else a trusted api_domain, else the data centre's host. */
  function hostFor(apiDomain: string | null): string {
    if (o.fixedApiUrl) return o.fixedApiUrl;
    if (apiDomain === null) return o.defaultApiUrl;
    const trusted = trustedApiDomain(apiDomain, o.defaultApiUrl);
    if (trusted === null && warnedDomain !== apiDomain) {
      warnedDomain = apiDomain;
      log(o.logger, 'warn', 'zoho api_domain is not https under a Zoho API domain; the access token goes to the configured host instead', {
        apiDomain: apiDomain.slice(0, 200),
        host: o.defaultApiUrl,
      });
    }
    return trusted ?? o.defaultApiUrl;
  }

  /**
   * One attempt inside a limiter slot; `used.token` tells the caller which token a 401 refused, and
   * `used.sentAt` (unset once answered) that Zoho has the request: an abort then is 'in-flight'.
   */
  /** A transport failure (no answer, or a body that broke off) as the typed error the caller sees. */
  function transportFailure(error: unknown, endpoint: string, started: number, signal: AbortSignal | undefined, status: number): ZohoError {
    if (error instanceof TransportError && error.kind === 'aborted') {
      return new ZohoAbortedError(endpoint, signal?.reason, 'in-flight', o.clock.now() - started);
    }
    const message = error instanceof Error ? o.secrets.redact(error.message) : 'network error';
    if (status !== 0) return new ZohoApiError({ status, message: `the answer broke off: ${message}`, endpoint, retryable: true });
    return new ZohoApiError({ status: 0, message, endpoint, retryable: true });
  }

  async function attempt<T>(
    method: string,
    api: ZohoApiName,
    path: string,
    endpoint: string,
    options: ZohoRequestOptions,
    attemptNo: number,
    used: Attempt,
    exchange: Exchange<T>,
  ): Promise<T> {
    const queuedAt = o.clock.now();
    const { signal } = options;
    return o.limiter.schedule(async () => {
      signal?.throwIfAborted();
      // The refresh itself is shared with other callers, so it goes on; only our wait for it stops.
      const token = await raceAbort(o.auth.getToken(), signal);
      used.token = token.accessToken;
      used.tokenRefreshedAt = token.refreshedAt.getTime();
      const host = hostFor(token.apiDomain);
      const started = o.clock.now();
      callHook(o.hooks?.onRequest, { method, api, endpoint, attempt: attemptNo, queuedMs: started - queuedAt });
      const respond = (status: number, error?: Error) =>
        callHook(o.hooks?.onResponse, { method, api, endpoint, attempt: attemptNo, status, durationMs: o.clock.now() - started, error });
      let response: Answered<T>;
      used.sentAt = started;
      try {
        response = await exchange({
          method,
          url: `${apiBaseUrl(host, api)}${path}`,
          query: toQuery(options.query, o.organizationId),
          headers: { authorization: `Zoho-oauthtoken ${token.accessToken}`, accept: 'application/json' },
          body: options.body,
          timeoutMs: o.timeoutMs,
          signal,
        });
      } catch (error) {
        const failed = transportFailure(error, endpoint, started, signal, 0);
        if (failed instanceof ZohoAbortedError) {
          respond(0, failed);
          throw failed;
        }
        used.sentAt = undefined;
        o.counters.recordResponse(error instanceof TransportError && error.kind !== 'aborted' ? error.kind : 'network');
        respond(0, failed);
        throw failed;
      }
      o.counters.recordResponse(response.status);
      const quota = readQuotaHeaders(response.headers);
      if (quota) {
        o.dailyBudgets[api].update(quota);
        void Promise.resolve(o.limiter.updateQuota?.({ ...quota, api })).catch(() => undefined);
      }
      try {
        const result = await response.result();
        consecutive429 = 0;
        respond(response.status);
        return result;
      } catch (caught) {
        const error = caught instanceof TransportError ? transportFailure(caught, endpoint, started, signal, response.status) : caught;
        respond(response.status, (error instanceof CallerError ? error.cause : error) as Error);
        throw error;
      } finally {
        // Answered in full (a streamed body included), unless an abort cut it: then Zoho had it in flight.
        if (!signal?.aborted) used.sentAt = undefined;
      }
    }, { signal, maxWaitMs: options.maxWaitMs, endpoint });
  }

  const textExchange = (endpoint: string): Exchange<ZohoEnvelope> => async (request) => {
    const response = await o.send(request);
    return { status: response.status, headers: response.headers, result: async () => interpretResponse(response, endpoint, o.secrets.redact, o.clock.now()) };
  };

  const streamExchange = <T>(endpoint: string, read: ZohoStreamReader<T>): Exchange<T> => async (request) => {
    const started = o.clock.now();
    const response = await o.sendStream(request);
    const result = async () => {
      if (response.status < 200 || response.status >= 300) {
        // Errors are small documents: read whole and worded as request() words them (always throws).
        const text = await readText(response.body);
        return interpretResponse({ status: response.status, headers: response.headers, text }, endpoint, o.secrets.redact, o.clock.now()) as never;
      }
      let handedOut = false;
      try {
        return await read(response, endpoint, () => (handedOut = true));
      } catch (caught) {
        if (caught instanceof CallerError) throw caught;
        const error = caught instanceof TransportError ? transportFailure(caught, endpoint, started, request.signal, response.status) : caught;
        // A failure a retry could cure, once the caller holds part of the answer: only it can start over.
        if (handedOut && error instanceof ZohoError && error.retryable && !(error instanceof ZohoAbortedError)) throw new ZohoStreamBrokenError(endpoint, error);
        throw error;
      } finally {
        response.cancel();
      }
    };
    return { status: response.status, headers: response.headers, result };
  };

  const request: ZohoRequest = (rawMethod, api, rawPath, options = {}) =>
    call(rawMethod, api, rawPath, options, (endpoint) => textExchange(endpoint));

  const requestStream: ZohoStreamRequest = async (api, rawPath, options, read) => {
    try {
      return await call('GET', api, rawPath, options, (endpoint) => streamExchange(endpoint, read));
    } catch (error) {
      throw error instanceof CallerError ? error.cause : error;
    }
  };

  return { request, requestStream };

  async function call<T>(rawMethod: string, api: ZohoApiName, rawPath: string, options: ZohoRequestOptions, exchangeFor: (endpoint: string) => Exchange<T>): Promise<T> {
    const method = rawMethod.toUpperCase();
    const path = rawPath.startsWith('/') ? rawPath : `/${rawPath}`;
    if (!(api in ZOHO_API_PATHS)) throw new TypeError(`Unknown Zoho API ${JSON.stringify(api)}; use 'books' or 'inventory'`);
    const endpoint = `${ZOHO_API_PATHS[api]}${path.split('?')[0]}`;
    assertReadOnly(method, endpoint, o.allowWrites);
    const exchange = exchangeFor(endpoint);

    let retriesDone = 0;
    const onUnauthorized = createUnauthorizedPolicy(o.auth);
    const { signal } = options;
    let used: Attempt = {};
    // p-queue may reject the scheduled attempt with the signal's reason before the transport's own
    // abort is seen, so whether Zoho had the request is read from `used`, not from the error.
    const aborted = () =>
      used.sentAt === undefined ? new ZohoAbortedError(endpoint, signal?.reason) : new ZohoAbortedError(endpoint, signal?.reason, 'in-flight', o.clock.now() - used.sentAt);
    for (;;) {
      used = {};
      try {
        if (signal?.aborted) throw aborted();
        await o.dailyBudgets[api].waitForBudget((waitMs) => {
          callHook(o.hooks?.onRateLimitWait, { reason: 'daily-quota', waitMs });
          log(o.logger, 'warn', 'zoho daily quota spent; waiting for the reset', { api, waitMs });
        }, signal, options.onDailyQuotaExhausted);
        return await attempt(method, api, path, endpoint, options, retriesDone + 1, used, exchange);
      } catch (caught) {
        if (caught instanceof CallerError) throw caught;
        // Whatever an aborted call was doing (waiting, sending, being refused) ends it here.
        if (signal?.aborted) throw caught instanceof ZohoAbortedError ? caught : aborted();
        if (caught instanceof ZohoWaitTooLongError || caught instanceof ZohoStreamBrokenError) throw caught;
        const error = caught;
        if (error instanceof ZohoApiError && error.status === 401) {
          // Decided on the status and the code together: 6041 is never a token problem.
          if (error.code === ORGANIZATION_NOT_ASSOCIATED) throw organizationError(error, endpoint, o.organizationId);
          const scope = scopeKeyOf(method, api, path);
          const refused = used.token;
          const known = refused === undefined ? undefined : scopeDenials.find(scope.key, refused, used.tokenRefreshedAt);
          if (known) throw rememberedScopeError(error, endpoint, scope, known, o.organizationId);
          const verdict = refused === undefined ? 'not-authorized' : await raceAbort(onUnauthorized(refused), signal).catch((e: unknown) => {
            if (signal?.aborted) throw aborted();
            throw e instanceof ForcedRefreshLimitError ? refreshCapError(error, endpoint, e) : e;
          });
          if (verdict === 'retry') {
            log(o.logger, 'info', 'zoho answered 401; trying again with a new access token', { endpoint });
            continue;
          }
          if (verdict === 'not-authorized' && refused !== undefined) {
            scopeDenials.record(scope.key, { token: refused, tokenRefreshedAt: used.tokenRefreshedAt ?? o.clock.now(), code: error.code, at: o.clock.now() });
            log(o.logger, 'warn', 'zoho 401 with a freshly minted token: scope or organization refusal remembered', { endpoint, scope: scope.key });
          }
          throw unauthorizedError(error, verdict, endpoint, o.organizationId, scope);
        }
        if (error instanceof ZohoApiError && error.status === 429) {
          o.counters.record429();
          // A 429 whose headers say this API's daily quota is spent: the budget waits (or fails) until
          // its reset. Pausing every caller would also stop the other API, whose quota is its own.
          if (o.dailyBudgets[api].exhausted()) continue;
          consecutive429 += 1;
        }
        const decision = decideRetry(error, retriesDone, o.maxRetries);
        if (!decision.retry) throw error;
        retriesDone += 1;
        o.counters.recordRetry();
        let delayMs: number;
        if (decision.pauseAll) {
          delayMs = rateLimitPauseMs(Math.max(retriesDone, consecutive429), (error as ZohoApiError).retryAfterMs, backoff);
          await o.limiter.pause(delayMs);
          callHook(o.hooks?.onRateLimitWait, { reason: '429', waitMs: delayMs });
        } else {
          delayMs = fullJitterDelay(retriesDone, backoff);
        }
        if (options.maxWaitMs !== undefined && delayMs > options.maxWaitMs) {
          // Other callers still pause (above); this one gives up rather than sleep past its bound.
          throw new ZohoWaitTooLongError({
            endpoint,
            waitingFor: decision.pauseAll ? 'rate-limit-pause' : 'retry-backoff',
            waitMs: delayMs,
            maxWaitMs: options.maxWaitMs,
            retryAt: new Date(o.clock.now() + delayMs),
            cause: error,
          });
        }
        callHook(o.hooks?.onRetry, { method, endpoint, attempt: retriesDone, delayMs, error: error as ZohoError });
        log(o.logger, 'warn', 'zoho request failed; retrying', {
          endpoint,
          attempt: retriesDone,
          delayMs,
          error: (error as Error).message,
        });
        if (!decision.pauseAll && delayMs > 0) await sleepUnlessAborted(o.clock, delayMs, signal).catch(() => Promise.reject(aborted()));
      }
    }
  }
}

/**
 * What a stream reader's own caller threw (its consumer of the handed-out pieces): carried through
 * the pipeline untouched and never retried, then thrown to the caller as it was.
 */
export class CallerError extends Error {
  constructor(readonly cause: unknown) {
    super('the stream consumer failed', { cause });
    this.name = 'CallerError';
  }
}
