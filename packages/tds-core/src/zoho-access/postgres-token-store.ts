import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type pg from 'pg';
import type { StoredToken, TokenStore } from '@tsh/zoho-client';

export interface PostgresTokenStoreOptions {
  db: Kysely<any>;
  /** A pool to take the dedicated session an advisory lock needs. */
  pool: pg.Pool;
  organizationId: string;
  /** Give up waiting for another process's refresh after this long (default 60 000 ms). */
  lockTimeoutMs?: number;
}

/**
 * The access token lives in `zoho_oauth_tokens`, one row per organization, so every process
 * uses one token; refreshes run under a PostgreSQL advisory lock so N processes that find it
 * expired at once mint exactly one.
 */
export function createPostgresTokenStore(options: PostgresTokenStoreOptions): TokenStore {
  const { db, pool, organizationId } = options;
  const lockKey = `tds:zoho-oauth:${organizationId}`;

  return {
    async get() {
      const { rows } = await sql<{ access_token: string | null; expires_at: Date | null; api_domain: string | null; refreshed_at: Date | null }>`
        SELECT access_token, expires_at, api_domain, refreshed_at FROM zoho_oauth_tokens WHERE organization_id = ${organizationId}`.execute(db);
      const row = rows[0];
      if (!row || !row.access_token || !row.expires_at) return null;
      return { accessToken: row.access_token, expiresAt: row.expires_at, apiDomain: row.api_domain, refreshedAt: row.refreshed_at ?? row.expires_at };
    },

    async set(token: StoredToken) {
      await sql`
        INSERT INTO zoho_oauth_tokens (organization_id, access_token, expires_at, api_domain, refreshed_at, refresh_count, last_error, last_error_at)
        VALUES (${organizationId}, ${token.accessToken}, ${token.expiresAt}, ${token.apiDomain}, ${token.refreshedAt}, 1, NULL, NULL)
        ON CONFLICT (organization_id) DO UPDATE SET
          access_token = EXCLUDED.access_token, expires_at = EXCLUDED.expires_at, api_domain = EXCLUDED.api_domain,
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
  }>`
    SELECT access_token IS NOT NULL AS has_token, expires_at, refreshed_at, refresh_count, last_error, last_error_at
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
  };
}
