import type { ZohoClock } from '../clock';
import { ZohoAuthError } from '../errors';
import { callHook, log, type ZohoHooks, type ZohoLogger } from '../hooks';
import type { SecretRegistry } from '../redact';
import type { HttpSend } from '../transport/transport';
import { requestAccessToken, type ZohoCredentials } from './token-endpoint';
import type { StoredToken, TokenStore } from './token-store';

export interface ZohoAuthStatus {
  expiresAt: Date | null;
  lastRefreshAt: Date | null;
  lastError: string | null;
  refreshCount: number;
  /** While Zoho throttles minting (Access Denied), no refresh is attempted before this time. */
  throttledUntil: Date | null;
}

/** A forced refresh's token, and whether this process minted it for that refresh (rather than adopting another's). */
export interface RefreshResult {
  token: StoredToken;
  minted: boolean;
}

export interface RefreshOptions {
  /**
   * The refresh answers a 401 on a token that has not expired (not its expiry): a mint it needs
   * counts against the forced-mint cap, and past the cap it fails with ForcedRefreshLimitError.
   */
  unauthorized?: boolean;
}

/** Default cap on mints forced by 401s: at most this many per window, per token manager. */
export const FORCED_MINT_LIMIT = 5;
/** Zoho's own window for its 10 mints per refresh token. */
export const FORCED_MINT_WINDOW_MS = 10 * 60_000;

/**
 * A 401 asked for a new access token, but this process already minted `limit` tokens because of
 * 401s in the last `windowMs`: it mints no more before `retryAt`. Zoho allows only 10 mints per
 * refresh token per 10 minutes (shared by every process using it), and each mint beyond 10 live
 * tokens kills the oldest one, so refreshing on every 401 would only make things worse.
 */
export class ForcedRefreshLimitError extends ZohoAuthError {
  readonly limit: number;
  readonly windowMs: number;
  readonly retryAt: Date;
  constructor(limit: number, windowMs: number, retryAt: Date) {
    super(
      'forced_refresh_limit',
      `${limit} access tokens were already minted because of 401 answers in the last ${Math.round(windowMs / 60_000)} minutes; ` +
        `no new one is minted before ${retryAt.toISOString()}`,
      { retryable: true },
    );
    this.limit = limit;
    this.windowMs = windowMs;
    this.retryAt = retryAt;
  }
}

export interface TokenManager {
  getToken(): Promise<StoredToken>;
  /**
   * Forced refresh. With `staleToken`, skips minting when a different fresh token is already known.
   * With `unauthorized`, a mint counts against the forced-mint cap (see RefreshOptions).
   */
  refresh(staleToken?: string, options?: RefreshOptions): Promise<RefreshResult>;
  /**
   * A fresh token that replaced `staleToken` (in this process or in the shared store), adopted
   * without minting; null when `staleToken` is still the newest one known.
   */
  replacementOf(staleToken: string): Promise<StoredToken | null>;
  status(): ZohoAuthStatus;
  apiDomain(): string | null;
}

export interface TokenManagerOptions {
  credentials: ZohoCredentials;
  tokenUrl: string;
  store: TokenStore;
  send: HttpSend;
  clock: ZohoClock;
  secrets: SecretRegistry;
  timeoutMs: number;
  /** Refresh this long before expiry (default 5 min). */
  refreshMarginMs: number;
  /** How long to wait after Zoho's Access Denied before minting again (default: the 10-minute window). */
  accessDeniedWaitMs: number;
  /** Consecutive Access Denied answers waited out before the refresh gives up (retryable). */
  accessDeniedMaxWaits: number;
  /** Mints forced by 401s allowed per `forcedMintWindowMs` (default FORCED_MINT_LIMIT). */
  forcedMintLimit?: number;
  /** The window of `forcedMintLimit` (default FORCED_MINT_WINDOW_MS, Zoho's 10 minutes). */
  forcedMintWindowMs?: number;
  hooks?: ZohoHooks;
  logger?: ZohoLogger;
}

export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const { store, clock, secrets } = options;
  let current: StoredToken | null = null;
  let inflight: Promise<RefreshResult> | null = null;
  let lastRefreshAt: Date | null = null;
  let lastError: string | null = null;
  let refreshCount = 0;
  let throttledUntil = 0;
  // A refusal only a person can fix (invalid_code, invalid_client): asking Zoho again per request
  // would only hammer the accounts server, so later calls fail fast until an explicit refresh().
  let fatal: ZohoAuthError | null = null;
  const forcedMintLimit = options.forcedMintLimit ?? FORCED_MINT_LIMIT;
  const forcedMintWindowMs = options.forcedMintWindowMs ?? FORCED_MINT_WINDOW_MS;
  // When each mint forced by a 401 happened (within the window): the cap's ledger.
  let forcedMints: number[] = [];
  // The last token this process minted because a 401 refused `stale`: a request refused on `stale`
  // that asks after the mint finished gets it as minted for it too, as if it had joined that mint.
  let forcedReplacement: { stale: string; token: string } | null = null;

  // A token that lives shorter than the margin (a sandbox, a proxy) would otherwise be refreshed on
  // every call and exhaust Zoho's 10 mints per 10 minutes: the margin never exceeds a tenth of its life.
  const marginOf = (token: StoredToken) =>
    Math.min(options.refreshMarginMs, Math.max(0, token.expiresAt.getTime() - token.refreshedAt.getTime()) / 10);
  const isFresh = (token: StoredToken | null): token is StoredToken =>
    token !== null && token.expiresAt.getTime() - marginOf(token) > clock.now();

  const adopt = (token: StoredToken): StoredToken => {
    secrets.add(token.accessToken);
    current = token;
    return token;
  };

  async function recordFailure(error: unknown): Promise<void> {
    lastError = error instanceof Error ? secrets.redact(error.message) : 'unknown error';
    try {
      await store.recordError?.(lastError);
    } catch (storeError) {
      log(options.logger, 'warn', 'zoho token store could not record the refresh error', {
        error: storeError instanceof Error ? secrets.redact(storeError.message) : String(storeError),
      });
    }
  }

  /** Mints a new access token; waits out Zoho's Access Denied window instead of hammering. */
  async function mint(): Promise<StoredToken> {
    for (let waits = 0; ; ) {
      const waitMs = throttledUntil - clock.now();
      if (waitMs > 0) {
        callHook(options.hooks?.onRateLimitWait, { reason: 'token-throttle', waitMs });
        log(options.logger, 'warn', 'zoho token refresh throttled; waiting for the window to pass', { waitMs });
        await clock.sleep(waitMs);
      }
      const started = clock.now();
      try {
        const token = await requestAccessToken({
          send: options.send,
          tokenUrl: options.tokenUrl,
          credentials: options.credentials,
          timeoutMs: options.timeoutMs,
          now: started,
          redact: secrets.redact,
        });
        secrets.add(token.accessToken);
        fatal = null;
        refreshCount += 1;
        lastRefreshAt = token.refreshedAt;
        lastError = null;
        callHook(options.hooks?.onTokenRefresh, { ok: true, durationMs: clock.now() - started, expiresAt: token.expiresAt });
        log(options.logger, 'info', 'zoho access token refreshed', { expiresAt: token.expiresAt.toISOString() });
        return token;
      } catch (error) {
        await recordFailure(error);
        if (error instanceof ZohoAuthError && !error.retryable) fatal = error;
        callHook(options.hooks?.onTokenRefresh, { ok: false, durationMs: clock.now() - started, error: error as Error });
        if (error instanceof ZohoAuthError && error.reason === 'access_denied') {
          throttledUntil = clock.now() + options.accessDeniedWaitMs;
          if (waits < options.accessDeniedMaxWaits) {
            waits += 1;
            continue;
          }
        }
        throw error;
      }
    }
  }

  /** Throws ForcedRefreshLimitError when the 401s of the window have already used up the cap. */
  function checkForcedMintCap(): void {
    const now = clock.now();
    forcedMints = forcedMints.filter((at) => at > now - forcedMintWindowMs);
    if (forcedMints.length < forcedMintLimit) return;
    const error = new ForcedRefreshLimitError(forcedMintLimit, forcedMintWindowMs, new Date(forcedMints[0]! + forcedMintWindowMs));
    log(options.logger, 'warn', 'zoho 401: forced token refresh cap reached; not minting', {
      limit: forcedMintLimit,
      windowMs: forcedMintWindowMs,
      retryAt: error.retryAt.toISOString(),
    });
    throw error;
  }

  /** Reads the store, and mints only when it holds nothing usable; under the store's lock if it has one. */
  async function refreshUnderLock(force: boolean, staleToken: string | undefined, unauthorized: boolean): Promise<RefreshResult> {
    const usable = (token: StoredToken | null): token is StoredToken =>
      isFresh(token) && (!force || (staleToken !== undefined && token.accessToken !== staleToken));
    // A token refused before it expired: only the 401 makes this mint necessary, so it is capped.
    // (An expired one would be minted anyway, 401 or not.)
    const capped = unauthorized && isFresh(current);
    const work = async (): Promise<RefreshResult> => {
      const stored = await store.get();
      if (usable(stored)) return { token: stored, minted: false };
      if (capped) checkForcedMintCap();
      const minted = await mint();
      if (capped) forcedMints.push(clock.now());
      if (unauthorized && staleToken !== undefined) forcedReplacement = { stale: staleToken, token: minted.accessToken };
      await store.set(minted);
      return { token: minted, minted: true };
    };
    if (!store.withRefreshLock) return work();
    const before = await store.get();
    if (usable(before)) return { token: before, minted: false };
    return store.withRefreshLock(work);
  }

  function singleFlight(force: boolean, staleToken: string | undefined, unauthorized = false): Promise<RefreshResult> {
    if (!inflight) {
      inflight = refreshUnderLock(force, staleToken, unauthorized)
        .then((result) => ({ token: adopt(result.token), minted: result.minted }))
        .finally(() => {
          inflight = null;
        });
    }
    return inflight;
  }

  return {
    async getToken() {
      if (isFresh(current)) return current;
      if (fatal) {
        const stored = await store.get();
        if (isFresh(stored)) return adopt(stored);
        throw fatal;
      }
      return (await singleFlight(false, undefined)).token;
    },
    async refresh(staleToken, refreshOptions = {}) {
      const unauthorized = refreshOptions.unauthorized === true;
      if (staleToken !== undefined && isFresh(current) && current.accessToken !== staleToken) {
        // Minted by this process for a 401 on this very token: the same as having joined that mint.
        const minted = forcedReplacement?.stale === staleToken && forcedReplacement.token === current.accessToken;
        return { token: current, minted };
      }
      const result = await singleFlight(true, staleToken, unauthorized);
      // We may have joined a plain refresh that handed back the very token being replaced.
      if (staleToken !== undefined && result.token.accessToken === staleToken) return singleFlight(true, staleToken, unauthorized);
      return result;
    },
    async replacementOf(staleToken) {
      if (isFresh(current) && current.accessToken !== staleToken) return current;
      const stored = await store.get();
      return isFresh(stored) && stored.accessToken !== staleToken ? adopt(stored) : null;
    },
    status: () => ({
      expiresAt: current?.expiresAt ?? null,
      lastRefreshAt: lastRefreshAt ?? current?.refreshedAt ?? null,
      lastError,
      refreshCount,
      throttledUntil: throttledUntil > clock.now() ? new Date(throttledUntil) : null,
    }),
    apiDomain: () => current?.apiDomain ?? null,
  };
}
