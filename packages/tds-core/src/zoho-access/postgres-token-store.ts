import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type pg from 'pg';
import type { StoredToken, TokenStore } from '@tsh/zoho-client';
import { silentLogger, type LoggerLike } from '../db/logger-like';
import type { TokenCipher } from './token-cipher';

export interface PostgresTokenStoreOptions {
  db: Kysely<any>;
  /** A pool to take the dedicated session an advisory lock needs. */
  pool: pg.Pool;
  organizationId: string;
  /** Give up waiting for another process's refresh after this long (default 60 000 ms). */
  lockTimeoutMs?: number;
  /** TDS_ENCRYPTION_KEY(_PREVIOUS): access tokens are sealed at rest; without it they are stored plain (docs/security.md). */
  cipher?: TokenCipher | null;
  logger?: LoggerLike;
}

/**
 * The access token lives in `zoho_oauth_tokens`, one row per organization, so every process
 * uses one token; refreshes run under a PostgreSQL advisory lock so N processes that find it
 * expired at once mint exactly one.
 */
export function createPostgresTokenStore(options: PostgresTokenStoreOptions): TokenStore {
  const { db, pool, organizationId } = options;
  const lockKey = `tds:zoho-oauth:${organizationId}`;
  const cipher = options.cipher ?? null;
  const logger = options.logger ?? silentLogger;
  let warnedKeyId: string | null = null;

  /**
   * The row's token in plain text, or null when no configured key can open it. Null makes the
   * client mint a new token and store it under the current key: a token lives an hour and costs
   * one mint, so a lost or mistyped key heals itself instead of failing every call.
   */
  function readable(stored: string, keyId: string | null): string | null {
    if (keyId === null) return stored; // written before a key was configured; sealed at the next refresh
    const plain = cipher?.decrypt(stored, keyId, organizationId) ?? null;
    if (plain === null && warnedKeyId !== keyId) {
      warnedKeyId = keyId;
      logger.warn(
        { storedKeyId: keyId, configuredKeyIds: cipher?.keyIds ?? [] },
        cipher
          ? 'the stored Zoho access token was sealed with a key that is not configured (or does not open it); minting a new one. ' +
              'Give every process the same TDS_ENCRYPTION_KEY, with the old one in TDS_ENCRYPTION_KEY_PREVIOUS while rotating'
          : 'the stored Zoho access token is encrypted but TDS_ENCRYPTION_KEY is not set; minting a new one stored in plain text',
      );
    }
    return plain;
  }

  return {
    async get() {
      const { rows } = await sql<{
        access_token: string | null;
        access_token_key_id: string | null;
        expires_at: Date | null;
        api_domain: string | null;
        refreshed_at: Date | null;
      }>`
        SELECT access_token, access_token_key_id, expires_at, api_domain, refreshed_at FROM zoho_oauth_tokens WHERE organization_id = ${organizationId}`.execute(db);
      const row = rows[0];
      if (!row || !row.access_token || !row.expires_at) return null;
      const accessToken = readable(row.access_token, row.access_token_key_id);
      if (accessToken === null) return null;
      return { accessToken, expiresAt: row.expires_at, apiDomain: row.api_domain, refreshedAt: row.refreshed_at ?? row.expires_at };
    },

    async set(token: StoredToken) {
      const sealed = cipher ? cipher.encrypt(token.accessToken, organizationId) : { keyId: null, sealed: token.accessToken };
      await sql`
        INSERT INTO zoho_oauth_tokens (organization_id, access_token, access_token_key_id, expires_at, api_domain, refreshed_at, refresh_count, last_error, last_error_at)
        VALUES (${organizationId}, ${sealed.sealed}, ${sealed.keyId}, ${token.expiresAt}, ${token.apiDomain}, ${token.refreshedAt}, 1, NULL, NULL)
        ON CONFLICT (organization_id) DO UPDATE SET
          access_token = EXCLUDED.access_token, access_token_key_id = EXCLUDED.access_token_key_id,
          expires_at = EXCLUDED.expires_at, api_domain = EXCLUDED.api_domain,
          refreshed_at = EXCLUDED.refreshed_at, refresh_count = zoho_oauth_tokens.refresh_count + 1,
          last_error = NULL, last_error_at = NULL`.execute(db);
    },

    async withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(options.lockTimeoutMs ?? 60_000))}`);
        await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
        try {
          return await fn();
        } finally {
          await client
            .query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey])
            .then(() => client.query('RESET lock_timeout'))
            .catch((e: Error) => (broken = e));
        }
      } finally {
        // A session whose unlock failed is destroyed, which frees the advisory lock with it.
        client.release(broken);
      }
    },

    async recordError(message: string) {
      await sql`
        INSERT INTO zoho_oauth_tokens (organization_id, last_error, last_error_at) VALUES (${organizationId}, ${message}, now())
        ON CONFLICT (organization_id) DO UPDATE SET last_error = EXCLUDED.last_error, last_error_at = EXCLUDED.last_error_at`.execute(db);
    },
  };
}

export interface TokenStatus {
  organizationId: string;
  hasToken: boolean;
  expiresAt: Date | null;
  expiresInSeconds: number | null;
  lastRefreshAt: Date | null;
  refreshCount: number;
  lastError: string | null;
  lastErrorAt: Date | null;
  /** Id of the key that sealed the stored token; null when it is stored in plain text (or there is none). */
  storedKeyId: string | null;
}

/** What `tds token status` and health report; never the token itself. */
export async function readTokenStatus(db: Kysely<any>, organizationId: string): Promise<TokenStatus> {
  const { rows } = await sql<{
    has_token: boolean;
    expires_at: Date | null;
    refreshed_at: Date | null;
    refresh_count: string | null;
    last_error: string | null;
    last_error_at: Date | null;
    access_token_key_id: string | null;
  }>`
    SELECT access_token IS NOT NULL AS has_token, expires_at, refreshed_at, refresh_count, last_error, last_error_at, access_token_key_id
    FROM zoho_oauth_tokens WHERE organization_id = ${organizationId}`.execute(db);
  const row = rows[0];
  const expiresAt = row?.expires_at ?? null;
  return {
    organizationId,
    hasToken: row?.has_token ?? false,
    expiresAt,
    expiresInSeconds: expiresAt ? Math.round((expiresAt.getTime() - Date.now()) / 1000) : null,
    lastRefreshAt: row?.refreshed_at ?? null,
    refreshCount: Number(row?.refresh_count ?? 0),
    lastError: row?.last_error ?? null,
    lastErrorAt: row?.last_error_at ?? null,
    storedKeyId: row?.has_token ? (row.access_token_key_id ?? null) : null,
  };
}

/**
 * A Zoho request that succeeded proves the stored access token works: a refresh error recorded
 * before that request was sent (`sentMsAgo` ago) no longer says anything about whether TDS can
 * use Zoho, so it is cleared, and health stops warning about it. An error recorded while the
 * request was on its way stays. Returns the cleared message, or null when there was none.
 */
export async function clearRefreshErrorAfterUse(db: Kysely<any>, organizationId: string, sentMsAgo: number): Promise<string | null> {
  const { rows } = await sql<{ last_error: string }>`
    WITH old AS (
      SELECT organization_id, last_error FROM zoho_oauth_tokens
      WHERE organization_id = ${organizationId} AND last_error IS NOT NULL AND access_token IS NOT NULL AND expires_at > now()
        AND last_error_at < clock_timestamp() - make_interval(secs => ${Math.max(0, sentMsAgo)} / 1000.0)
      FOR UPDATE)
    UPDATE zoho_oauth_tokens t SET last_error = NULL, last_error_at = NULL, updated_at = now()
    FROM old WHERE t.organization_id = old.organization_id
    RETURNING old.last_error`.execute(db);
  return rows[0]?.last_error ?? null;
}

/**
 * Calls clearRefreshErrorAfterUse after successful Zoho answers without adding a statement per
 * request: one runs at a time, and answers arriving meanwhile are folded into one more run that
 * uses the latest send time among them.
 */
export function createTokenUseTracker(options: { db: Kysely<any>; organizationId: string; logger?: LoggerLike }): {
  succeeded(durationMs: number): void;
  /** Resolves when no clearing is running (tests, shutdown). */
  idle(): Promise<void>;
} {
  const logger = options.logger ?? silentLogger;
  let running: Promise<void> | null = null;
  let latestSentAt: number | null = null;
  // A role that may only read (tds verify's read-only mode) cannot clear anything: stop trying, say so once.
  let readOnly = false;

  const run = (): Promise<void> => {
    const sentAt = latestSentAt!;
    latestSentAt = null;
    return clearRefreshErrorAfterUse(options.db, options.organizationId, Date.now() - sentAt)
      .then((cleared) => {
        if (cleared) logger.info({ cleared }, 'a Zoho request succeeded with the stored access token after a failed refresh; the refresh error is cleared');
      })
      .catch((error: Error & { code?: string }) => {
        if (error.code === '42501') {
          readOnly = true;
          logger.info({ err: error.message }, 'this database role may not write zoho_oauth_tokens: a refresh error is not cleared by successful requests here');
        } else logger.warn({ err: error.message }, 'could not record a successful Zoho request');
      })
      .then(() => {
        running = latestSentAt === null ? null : run();
      });
  };

  return {
    succeeded(durationMs) {
      if (readOnly) return;
      const sentAt = Date.now() - Math.max(0, durationMs);
      latestSentAt = Math.max(latestSentAt ?? sentAt, sentAt);
      running ??= run();
    },
    async idle() {
      while (running) await running;
    },
  };
}
