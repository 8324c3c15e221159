import type { Kysely } from 'kysely';
import type pg from 'pg';
import { silentLogger, type LoggerLike } from '../db/logger-like';
import type { Database } from '../db/schema';
import { errorText } from '../queue/error-text';
import { createQueueListener } from '../workers/queue-listener';
import { advanceConsumer, consumerNameOf, ensureConsumer, readConsumerCursor, recordConsumerFailure } from './consumers';
import { ChangeCursorExpiredError } from './errors';
import { entitiesOf, limitOf, readChanges } from './read-changes';
import type { Change, ChangeHandler, SubscribeOptions, Subscription } from './types';
import { createWakeSignal } from './wake-signal';

// Namespace of the per-consumer advisory locks ('tdsc'); the second key is hashtext(consumer).
const CONSUMER_LOCK_SPACE = 0x74647363;

export interface SubscribeDeps {
  db: Kysely<Database>;
  pool: pg.Pool;
  logger?: LoggerLike;
  /** Secrets never written into a consumer's last_error. */
  scrub?: (text: string) => string;
}

/**
 * A named consumer of the feed (docs/change-feed.md, "Subscribing"). Each batch is handled while
 * this process holds the consumer's advisory lock on a connection of its own, so processes sharing
 * a consumer take turns and never handle one change at the same time; the cursor moves only after
 * the handler succeeded, so a process killed mid-batch leaves the batch to the next holder
 * (at-least-once). A failing handler gets the same batch again, with backoff, and the lock is kept
 * meanwhile: no other process skips past it.
 */
export function subscribeChanges(deps: SubscribeDeps, options: SubscribeOptions, handler: ChangeHandler): Subscription {
  const { db, pool } = deps;
  const logger = deps.logger ?? silentLogger;
  const scrub = deps.scrub ?? ((text: string) => text);
  const consumer = consumerNameOf(options.consumer);
  const entities = entitiesOf(options.entities);
  const batchSize = limitOf(options.batchSize);
  const pollMs = options.pollIntervalMs ?? 1000;
  const firstDelayMs = options.retry?.initialDelayMs ?? 1000;
  const maxDelayMs = options.retry?.maxDelayMs ?? 60_000;
  const stopping = new AbortController();
  const wakeup = createWakeSignal();
  const listener = createQueueListener({ pool, channel: 'tds_changes', onNotify: () => wakeup.wake(), logger });

  /** One batch under the consumer's lock; true when more work may be waiting. */
  async function runBatch(): Promise<boolean> {
    const client = await pool.connect();
    let locked = false;
    let broken: Error | undefined;
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [CONSUMER_LOCK_SPACE, consumer]);
      locked = rows[0].locked;
      if (!locked) return false;
      const cursor = await readConsumerCursor(db, consumer);
      const page = await readChanges(db, { after: cursor, limit: batchSize, entities }, consumer);
      if (page.changes.length > 0) {
        const handled = await handleWithRetries(page.changes);
        if (!handled) return false;
      }
      if (page.cursor === cursor) return false;
      if (!(await advanceConsumer(db, consumer, cursor, page.cursor, page.changes.length))) {
        logger.warn({ consumer }, 'change feed consumer cursor was moved by someone else; the batch may be delivered again');
      }
      return true;
    } catch (error) {
      broken = error as Error;
      throw error;
    } finally {
      if (locked) await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [CONSUMER_LOCK_SPACE, consumer]).catch((error: Error) => (broken ??= error));
      client.release(broken);
    }
  }

  /** Calls the handler until it succeeds (true) or the subscription stops (false). */
  async function handleWithRetries(changes: Change[]): Promise<boolean> {
    let delay = firstDelayMs;
    for (let attempt = 1; ; attempt++) {
      if (stopping.signal.aborted) return false;
      try {
        await handler(changes, { consumer, attempt, signal: stopping.signal });
        return true;
      } catch (error) {
        const text = scrub(errorText(error)).slice(0, 2000);
        logger.warn({ consumer, attempt, first: changes[0].id, last: changes[changes.length - 1].id, err: text }, 'change handler failed; retrying the same batch');
        await recordConsumerFailure(db, consumer, text).catch(() => {});
        await abortableDelay(delay * (0.75 + Math.random() / 2), stopping.signal);
        delay = Math.min(delay * 2, maxDelayMs);
      }
    }
  }

  async function loop(): Promise<void> {
    await ensureConsumer(db, consumer);
    listener.start();
    let errorDelay = firstDelayMs;
    while (!stopping.signal.aborted) {
      try {
        const more = await runBatch();
        errorDelay = firstDelayMs;
        if (!more) await wakeup.sleep(pollMs);
      } catch (error) {
        if (error instanceof ChangeCursorExpiredError) throw error;
        logger.warn({ consumer, err: scrub(errorText(error)) }, 'change feed subscription could not read; retrying');
        await abortableDelay(errorDelay, stopping.signal);
        errorDelay = Math.min(errorDelay * 2, maxDelayMs);
      }
    }
  }

  const done = loop().finally(() => listener.stop());
  done.catch((error: Error) => {
    logger.error({ consumer, err: scrub(error.message) }, 'change feed subscription stopped');
    options.onError?.(error);
  });
  return {
    done,
    async stop() {
      stopping.abort();
      wakeup.wake();
      await done.catch(() => {});
    },
  };
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    }
    signal.addEventListener('abort', finish);
  });
}
