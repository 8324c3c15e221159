/** An access token as minted by Zoho, shared between every process that uses one refresh token. */
export interface StoredToken {
  accessToken: string;
  expiresAt: Date;
  /** `api_domain` from the token response (e.g. https://www.zohoapis.eu), when Zoho sent one. */
  apiDomain: string | null;
  refreshedAt: Date;
}

/**
 * Where the access token lives. The in-memory default serves one process; tds-core provides a
 * PostgreSQL store so that every worker shares one token (Zoho allows only 10 mints per 10 min).
 */
export interface TokenStore {
  get(): Promise<StoredToken | null>;
  set(token: StoredToken): Promise<void>;
  /**
   * Optional cross-process lock around a refresh (e.g. a PostgreSQL advisory lock). The client
   * re-reads the store after acquiring it: another process may have refreshed meanwhile.
   */
  withRefreshLock?<T>(fn: () => Promise<T>): Promise<T>;
  /** Optional: remember why the last refresh failed (the message never contains a secret). */
  recordError?(message: string): Promise<void> | void;
}

export function createMemoryTokenStore(initial: StoredToken | null = null): TokenStore {
  let token = initial;
  return {
    get: async () => token,
    set: async (next) => {
      token = next;
    },
  };
}
