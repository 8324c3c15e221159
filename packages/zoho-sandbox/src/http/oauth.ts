import { randomBytes } from 'node:crypto';

export interface SandboxCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface SandboxOAuthOptions {
  credentials: SandboxCredentials;
  apiDomain: string;
  tokenTtlSeconds: number;
  /** Access tokens one refresh token may mint per window (Zoho: 10 per 10 minutes). */
  mintLimit: number;
  mintWindowMs: number;
  /** Live access tokens per refresh token; one more kills the oldest (Zoho: 10). */
  maxLiveTokens: number;
  now: () => number;
}

interface RefreshTokenState {
  revoked: boolean;
  windowStart: number;
  mintedInWindow: number;
  live: string[];
}

export type SandboxTokenCheck = 'valid' | 'expired' | 'unknown';

export type SandboxTokenOutcome = 'minted' | 'invalid_code' | 'invalid_client' | 'access_denied' | 'unsupported_grant_type';

/**
 * Zoho Accounts' refresh-token grant with its limits. Failures are HTTP 200
 * bodies, as Zoho sends them.
 */
export class SandboxOAuth {
  private readonly refreshTokens = new Map<string, RefreshTokenState>();
  private readonly accessTokens = new Map<string, { expiresAt: number; refreshToken: string }>();
  minted = 0;

  constructor(private readonly options: SandboxOAuthOptions) {
    this.addRefreshToken(options.credentials.refreshToken);
  }

  private addRefreshToken(token: string): void {
    this.refreshTokens.set(token, { revoked: false, windowStart: 0, mintedInWindow: 0, live: [] });
  }

  /** A new refresh token for the same client (as if the user re-authorised). */
  issueRefreshToken(): string {
    const token = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
    this.addRefreshToken(token);
    return token;
  }

  /** Simulates a dead credential: the refresh token and its access tokens stop working. */
  revokeRefreshToken(token = this.options.credentials.refreshToken): void {
    const state = this.refreshTokens.get(token);
    if (!state) return;
    state.revoked = true;
    for (const access of state.live) this.accessTokens.delete(access);
    state.live = [];
  }

  /** Undoes revokeRefreshToken for the sandbox's own refresh token. */
  restoreRefreshToken(token = this.options.credentials.refreshToken): void {
    const state = this.refreshTokens.get(token);
    if (state) state.revoked = false;
  }

  /** Makes every live access token expired (the next API call gets 401). */
  expireAccessTokens(): void {
    const past = this.options.now() - 1;
    for (const entry of this.accessTokens.values()) entry.expiresAt = past;
  }

  liveAccessTokens(): number {
    const now = this.options.now();
    let count = 0;
    for (const entry of this.accessTokens.values()) if (entry.expiresAt > now) count++;
    return count;
  }

  check(token: string): SandboxTokenCheck {
    const entry = this.accessTokens.get(token);
    if (!entry) return 'unknown';
    return entry.expiresAt > this.options.now() ? 'valid' : 'expired';
  }

  /** Handles POST /oauth/v2/token with the merged query + form parameters. */
  token(params: URLSearchParams): { outcome: SandboxTokenOutcome; body: Record<string, unknown> } {
    const { credentials } = this.options;
    const grant = params.get('grant_type');
    if (grant !== 'refresh_token') {
      return grant === 'authorization_code'
        ? { outcome: 'invalid_code', body: { error: 'invalid_code' } }
        : { outcome: 'unsupported_grant_type', body: { error: 'unsupported_grant_type' } };
    }
    if (params.get('client_id') !== credentials.clientId || params.get('client_secret') !== credentials.clientSecret) {
      return { outcome: 'invalid_client', body: { error: 'invalid_client' } };
    }
    const refreshToken = params.get('refresh_token') ?? '';
    const state = this.refreshTokens.get(refreshToken);
    if (!state || state.revoked) return { outcome: 'invalid_code', body: { error: 'invalid_code' } };

    const now = this.options.now();
    if (now - state.windowStart >= this.options.mintWindowMs) {
      state.windowStart = now;
      state.mintedInWindow = 0;
    }
    if (state.mintedInWindow >= this.options.mintLimit) {
      return {
        outcome: 'access_denied',
        body: {
          error: 'Access Denied',
          error_description: 'You have made too many requests continuously. Please try again after some time.',
          status: 'failure',
        },
      };
    }
    state.mintedInWindow++;
    this.minted++;
    const accessToken = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
    this.accessTokens.set(accessToken, { expiresAt: now + this.options.tokenTtlSeconds * 1000, refreshToken });
    state.live.push(accessToken);
    while (state.live.length > this.options.maxLiveTokens) this.accessTokens.delete(state.live.shift()!);
    return {
      outcome: 'minted',
      body: {
        access_token: accessToken,
        scope: 'ZohoBooks.fullaccess.all ZohoInventory.FullAccess.all',
        api_domain: this.options.apiDomain,
        token_type: 'Bearer',
        expires_in: this.options.tokenTtlSeconds,
      },
    };
  }

  /** POST /oauth/v2/token/revoke?token=… revokes a refresh token (and its access tokens) or one access token. */
  revoke(token: string): void {
    if (this.refreshTokens.has(token)) this.revokeRefreshToken(token);
    else this.accessTokens.delete(token);
  }
}
