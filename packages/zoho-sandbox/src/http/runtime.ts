import { sandboxCredentials } from '../credentials';
import type { SandboxSettings, ZohoSandboxOptions } from '../options';
import { createRandom } from '../random';
import { createFaults } from './faults';
import { ListCache } from './list';
import { SandboxOAuth } from './oauth';
import { SandboxRateLimiter } from './rate-limit';
import { SandboxStats } from './stats';

/** The limits, token rules, faults and rendering switches the server and the msw handlers both take. */
export type SandboxRuntimeOptions = Pick<
  ZohoSandboxOptions,
  | 'seed'
  | 'credentials'
  | 'requestsPerMinute'
  | 'rateWindowMs'
  | 'dailyLimit'
  | 'quotaWindowSeconds'
  | 'maxConcurrent'
  | 'tokenTtlSeconds'
  | 'tokenMintLimit'
  | 'tokenMintWindowMs'
  | 'maxLiveTokens'
  | 'faults'
  | 'legacyWarehouses'
  | 'itemListLocations'
  | 'booksContactsActiveOnly'
  | 'itemDetailsUnknownIds'
>;

/**
 * The state behind the sandbox's Zoho that the HTTP server and the msw handlers share in shape:
 * credentials, OAuth authority, limits, faults, rendering switches, counters and the list cache.
 * `apiDomain` is a getter because the HTTP server learns its own address only once it listens.
 */
export function createSandboxRuntime(options: SandboxRuntimeOptions, now: () => number, apiDomain: () => string) {
  const credentials = sandboxCredentials(options.seed, options.credentials);
  const settings: SandboxSettings = {
    legacyWarehouses: options.legacyWarehouses ?? false,
    itemListLocations: options.itemListLocations ?? false,
    booksContactsActiveOnly: options.booksContactsActiveOnly ?? false,
    itemDetailsUnknownIds: options.itemDetailsUnknownIds ?? 'omit',
  };
  const windowMs = options.rateWindowMs ?? 60_000;
  const limiter = new SandboxRateLimiter({
    requestsPerMinute: options.requestsPerMinute ?? 100,
    windowMs,
    dailyLimit: options.dailyLimit ?? 10_000,
    maxConcurrent: options.maxConcurrent ?? 10,
    now,
    quotaWindowSeconds: options.quotaWindowSeconds,
    startedAt: now(),
  });
  const oauth = new SandboxOAuth({
    credentials,
    get apiDomain() {
      return apiDomain();
    },
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    mintLimit: options.tokenMintLimit ?? 10,
    mintWindowMs: options.tokenMintWindowMs ?? 600_000,
    maxLiveTokens: options.maxLiveTokens ?? 10,
    now,
  });
  return {
    credentials,
    settings,
    limiter,
    oauth,
    faults: createFaults(options.faults),
    faultRandom: createRandom(options.seed, 'faults'),
    stats: new SandboxStats(windowMs),
    cache: new ListCache(),
  };
}
