import type { Kysely } from 'kysely';
import type { ZohoClient } from '@tsh/zoho-client';
import type { ApplyContext } from '../apply/apply-context';
import type { LoggerLike } from '../db/logger-like';
import type { Database } from '../db/schema';
import type { TransformConfig } from '../transform/config';

export interface SyncHandlerDeps {
  db: Kysely<Database>;
  zoho: ZohoClient;
  /** Mapping options (Arabic-name field, price list names); ignored when `applyContext` is given. */
  config?: Partial<TransformConfig>;
  logger?: LoggerLike;
  /** Caches shared with other appliers of this process (a sync run, say); created from `config` when absent. */
  applyContext?: ApplyContext;
  /** Longest wait of a handler's Zoho call for the rate limit before its items are deferred (default HANDLER_ZOHO_MAX_WAIT_MS, zoho-wait.ts). */
  zohoMaxWaitMs?: number;
}
