import type { ZohoClock } from '../clock';
import type { ZohoApiName } from '../data-centers';

/** Zoho's code for "this organization is not associated with this user" (any endpoint, any token). */
export const ORGANIZATION_NOT_ASSOCIATED = 6041;

/** How long a scope verdict is remembered: one access token's life at Zoho (an hour). */
export const SCOPE_DENIAL_TTL_MS = 60 * 60_000;

const OPERATIONS: Record<string, string> = { GET: 'READ', HEAD: 'READ', POST: 'CREATE', PUT: 'UPDATE', PATCH: 'UPDATE', DELETE: 'DELETE' };
const SCOPE_PREFIX: Record<ZohoApiName, string> = { books: 'ZohoBooks', inventory: 'ZohoInventory' };

/**
 * What an OAuth scope covers: one API, one module (the first path segment: `bills` for `/bills`,
 * `/bills/{id}` and `/bills/{id}/comments`) and one operation (READ for GET, CREATE for POST…).
 * Zoho grants scopes as `ZohoBooks.bills.READ`, so every endpoint under one module and method
 * stands or falls together; ids never matter.
 */
export interface ScopeKey {
  key: string;
  api: ZohoApiName;
  module: string;
  operation: string;
}

export function scopeKeyOf(method: string, api: ZohoApiName, path: string): ScopeKey {
  const module = path.split('?')[0]!.split('/').find((segment) => segment !== '') ?? '';
  const operation = OPERATIONS[method] ?? method;
  return { key: `${api} ${operation} /${module}`, api, module, operation };
}

/** The scope one would grant for `scope`, as an example for the error message. */
export function scopeName(scope: ScopeKey): string {
  return `${SCOPE_PREFIX[scope.api]}.${scope.module}.${scope.operation}`;
}

export interface ScopeDenial {
  /** The freshly minted token that was refused. */
  token: string;
  /** When that token was minted (epoch ms): tokens minted at or after it are refused as well. */
  tokenRefreshedAt: number;
  code: number | undefined;
  /** When the verdict was reached (epoch ms). */
  at: number;
}

/**
 * The scope verdicts of one client: a module and operation whose 401 came back on a token freshly
 * minted for it. Every token of one refresh token carries the same scopes, so a later 401 there
 * with that token, or any token minted after it, is the same refusal: it fails at once, without
 * minting. A verdict is forgotten after `ttlMs`, in case it was an eviction mistaken for a scope.
 */
export function createScopeDenials(clock: ZohoClock, ttlMs = SCOPE_DENIAL_TTL_MS) {
  const denials = new Map<string, ScopeDenial>();
  return {
    /** The remembered verdict that covers a 401 with `token` (minted at `tokenRefreshedAt`), if any. */
    find(key: string, token: string, tokenRefreshedAt: number | undefined): ScopeDenial | undefined {
      const denial = denials.get(key);
      if (!denial) return undefined;
      if (clock.now() - denial.at >= ttlMs) {
        denials.delete(key);
        return undefined;
      }
      const covered = token === denial.token || (tokenRefreshedAt !== undefined && tokenRefreshedAt >= denial.tokenRefreshedAt);
      return covered ? denial : undefined;
    },
    record(key: string, denial: ScopeDenial): void {
      denials.set(key, denial);
    },
  };
}

export type ScopeDenials = ReturnType<typeof createScopeDenials>;
