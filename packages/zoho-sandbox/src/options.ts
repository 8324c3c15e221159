import type { SandboxCatalogueOptions } from './generate/catalogue';
import type { SandboxFaults } from './http/faults';
import type { SandboxCredentials } from './http/oauth';
import type { SandboxEntity } from './types';

/** Behaviour switches, changeable while the sandbox runs (`sandbox.settings.legacyWarehouses = true`). */
export interface SandboxSettings {
  /** Render the legacy `warehouses[]` instead of `locations[]` on items. */
  legacyWarehouses: boolean;
  /** Include per-location stock in item list rows (real list rows may lack it). */
  itemListLocations: boolean;
  /**
   * Books `/contacts` lists active contacts only unless `filter_by=Status.All` (default false:
   * docs/zoho-behaviour.md records the active-only default for items only; turn on to test a sync
   * against the stricter reading).
   */
  booksContactsActiveOnly: boolean;
  /**
   * `itemdetails` asked for an id that does not exist: 'omit' leaves it out (default); 'not-found'
   * refuses the whole batch with 404 code 1002 (docs/zoho-behaviour.md leaves open which Zoho does).
   */
  itemDetailsUnknownIds: 'omit' | 'not-found';
}

/** A clock: either a function returning epoch ms, or an object with `now()`. */
export type SandboxClock = (() => number) | { now(): number };

export interface SandboxAutoWebhooks {
  /** Where each entity's webhooks go (an entity without a target sends none). */
  targets: Partial<Record<SandboxEntity, string>> | ((entity: SandboxEntity) => string | undefined);
  format?: 'json' | 'form';
  deleteStyle?: 'method' | 'query';
  query?: Record<string, string>;
}

export interface ZohoSandboxOptions extends SandboxCatalogueOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  credentials?: Partial<SandboxCredentials>;
  /** Requests per window per organization before 429 (default 100). */
  requestsPerMinute?: number;
  /** Length of the rate window (default 60 000 ms; shorten for tests and benchmarks). */
  rateWindowMs?: number;
  /** Daily request quota, reported in X-Rate-Limit-* headers (default 10 000). */
  dailyLimit?: number;
  /**
   * Tests: the daily quota resets every this many seconds from the sandbox's start instead of at
   * the organization's local midnight (X-Rate-Limit-Reset counts down to the window's end).
   */
  quotaWindowSeconds?: number;
  /** Requests in flight before 429 (default 10). */
  maxConcurrent?: number;
  /** Access-token lifetime (default 3600 s). */
  tokenTtlSeconds?: number;
  /** Tokens per refresh token per mint window (default 10 per 10 minutes). */
  tokenMintLimit?: number;
  tokenMintWindowMs?: number;
  /** Live access tokens per refresh token (default 10; one more kills the oldest). */
  maxLiveTokens?: number;
  faults?: Partial<SandboxFaults>;
  /** Extra delay on every API answer (default 0), to make concurrency observable. */
  latencyMs?: number;
  /** Secret for webhook signatures (default derived from the seed: 32 alphanumerics). */
  webhookSecret?: string;
  /** Send signed webhooks automatically for every change of the store. */
  webhooks?: SandboxAutoWebhooks;
  /** Mutate the catalogue every N ms (off by default). */
  mutateEveryMs?: number;
  /** Changes per tick (default 5). */
  mutateCount?: number;
  /** Render items with legacy `warehouses[]` instead of `locations[]`. */
  legacyWarehouses?: boolean;
  /** Include per-location stock in item list rows (default false: only details have it). */
  itemListLocations?: boolean;
  /** See SandboxSettings.booksContactsActiveOnly. */
  booksContactsActiveOnly?: boolean;
  /** See SandboxSettings.itemDetailsUnknownIds. */
  itemDetailsUnknownIds?: 'omit' | 'not-found';
  clock?: SandboxClock;
}

export function clockFunction(clock: SandboxClock | undefined): () => number {
  if (!clock) return Date.now;
  return typeof clock === 'function' ? clock : () => clock.now();
}
