import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { LoggerLike } from '../db/logger-like';
import type { Database } from '../db/schema';
import { consumerNameOf, listConsumers, resetConsumer } from './consumers';
import { readChanges } from './read-changes';
import { subscribeChanges } from './subscribe';
import { searchRecords, type RecordMatch } from './trace/search-records';
import { traceRecord, type RecordTrace } from './trace/trace-record';
import type { ChangeConsumerStatus, ChangeHandler, ChangePage, Cursor, ReadChangesOptions, SubscribeOptions, Subscription } from './types';

/** The change feed part of TdsCore (docs/change-feed.md). */
export interface TdsChangesApi {
  changes: {
    /** Committed changes after `after`, oldest first. Throws ChangeFeedInputError, ChangeCursorExpiredError. */
    read(options?: ReadChangesOptions): Promise<ChangePage>;
    /** A named consumer with its cursor in PostgreSQL: at-least-once, retried with backoff, resumes after a restart. */
    subscribe(options: SubscribeOptions, handler: ChangeHandler): Subscription;
    /** Every consumer's cursor, lag and last failure. */
    consumers(): Promise<ChangeConsumerStatus[]>;
    /** Moves a consumer's cursor (default: to the newest change, after a resync); returns the new cursor. */
    resetConsumer(consumer: string, to?: Cursor): Promise<string>;
  };
  /** One record's timeline: webhook deliveries, queue items, versions applied, dead letters, verify results. */
  trace(entity: string, zohoId: string): Promise<RecordTrace>;
  /** Records to trace, by Zoho id, SKU, invoice/bill number or part of a name. Throws ChangeFeedInputError. */
  traceSearch(query: string): Promise<RecordMatch[]>;
}

export interface ChangesApiDeps {
  db: Kysely<Database>;
  pool: pg.Pool;
  logger?: LoggerLike;
  scrub?: (text: string) => string;
}

export function createChangesApi(deps: ChangesApiDeps): TdsChangesApi & { stopSubscriptions(): Promise<void> } {
  const open = new Set<Subscription>();
  return {
    changes: {
      read: (options = {}) => readChanges(deps.db, options),
      subscribe(options, handler) {
        const subscription = subscribeChanges(deps, options, handler);
        open.add(subscription);
        void subscription.done.catch(() => {}).finally(() => open.delete(subscription));
        return subscription;
      },
      consumers: () => listConsumers(deps.db),
      resetConsumer: (consumer, to) => resetConsumer(deps.db, consumerNameOf(consumer), to),
    },
    trace: (entity, zohoId) => traceRecord(deps.db, entity, zohoId),
    traceSearch: (query) => searchRecords(deps.db, query),
    /** Stops every subscription of this core (close()). */
    stopSubscriptions: async () => {
      await Promise.all([...open].map((s) => s.stop()));
    },
  };
}
