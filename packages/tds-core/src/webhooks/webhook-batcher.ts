import type { Kysely } from 'kysely';
import type { WebhookIngestResult } from './types';
import { isDatabaseUnavailable } from '../db/database-unavailable';
import type { Database } from '../db/schema';
import { storeWebhooks, type WebhookToStore } from './store-webhooks';
import { WebhookBusyError } from './webhook-busy-error';

export interface WebhookBatcherOptions {
  /** Deliveries written in one transaction at most. Default 200. */
  maxBatch?: number;
  /** Transactions writing at once. Default 2. */
  maxConcurrent?: number;
  /** Deliveries held (waiting or being written) at most; one more is refused with 503. Default 2000. */
  maxHeld?: number;
  /** Approximate bytes of the deliveries held at most; one more is refused with 503. Default 64 MiB. */
  maxHeldBytes?: number;
  /** The Retry-After of a 503. Default 5 s. */
  retryAfterSeconds?: number;
}

export const DEFAULT_WEBHOOK_MAX_HELD = 2000;
export const DEFAULT_WEBHOOK_MAX_HELD_BYTES = 64 * 1024 * 1024;

interface Waiting {
  delivery: WebhookToStore;
  bytes: number;
  resolve(result: WebhookIngestResult): void;
  reject(error: unknown): void;
}

/**
 * What a delivery keeps in memory until it is written: mostly its record (plus a fixed overhead).
 * Counted from the record's JSON text the intake already made (in UTF-16 units: close to its
 * UTF-8 bytes, and no second pass over it); the query is small and seldom there.
 */
function heldBytes(delivery: WebhookToStore): number {
  let bytes = 512 + (delivery.queueRow.payload?.length ?? 4);
  for (const key in delivery.query) bytes += 16 + key.length + String(delivery.query[key]).length;
  return bytes;
}

function positiveWhole(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`webhook batcher option ${name} must be a positive whole number`);
  return value;
}

/**
 * Group commit for webhooks: a delivery is written at once when a writer is free, otherwise with
 * whatever else arrived meanwhile, in one transaction. No delivery waits for a timer, so an idle
 * server answers as fast as before and a busy one does the same few statements for many
 * deliveries. A failed batch is written again one delivery at a time, so one delivery's failure
 * is never another's.
 *
 * Back-pressure: what waits for a slow database is bounded (count and bytes). A delivery past the
 * bound is refused at once with 503 + Retry-After before anything is written, so memory stays
 * bounded and Zoho retries later; every delivery accepted into the batcher is answered only
 * after it is stored. A batch that fails because the database is unavailable is answered 503 as
 * a whole rather than retried one by one (each retry would wait out the same timeout).
 */
export function createWebhookBatcher(db: Kysely<Database>, options: WebhookBatcherOptions = {}): { store(delivery: WebhookToStore): Promise<WebhookIngestResult>; held(): { count: number; bytes: number } } {
  const maxBatch = positiveWhole('maxBatch', options.maxBatch, 200);
  const maxConcurrent = positiveWhole('maxConcurrent', options.maxConcurrent, 2);
  const maxHeld = positiveWhole('maxHeld', options.maxHeld, DEFAULT_WEBHOOK_MAX_HELD);
  const maxHeldBytes = positiveWhole('maxHeldBytes', options.maxHeldBytes, DEFAULT_WEBHOOK_MAX_HELD_BYTES);
  const retryAfterSeconds = positiveWhole('retryAfterSeconds', options.retryAfterSeconds, 5);
  const waiting: Waiting[] = [];
  let writing = 0;
  let heldCount = 0;
  let heldTotalBytes = 0;

  const unavailable = () => new WebhookBusyError('database_unavailable', 'The database is not answering; the webhook was not stored, retry later', retryAfterSeconds);

  function settle(w: Waiting, outcome: { result: WebhookIngestResult } | { error: unknown }): void {
    heldCount--;
    heldTotalBytes -= w.bytes;
    if ('result' in outcome) w.resolve(outcome.result);
    else w.reject(isDatabaseUnavailable(outcome.error) ? unavailable() : outcome.error);
  }

  async function write(batch: Waiting[]): Promise<void> {
    try {
      const results = await storeWebhooks(
        db,
        batch.map((w) => w.delivery),
      );
      batch.forEach((w, i) => settle(w, { result: results[i] }));
    } catch (error) {
      if (batch.length === 1 || isDatabaseUnavailable(error)) {
        for (const w of batch) settle(w, { error });
        return;
      }
      for (const w of batch) {
        await storeWebhooks(db, [w.delivery]).then(
          ([result]) => settle(w, { result }),
          (e: unknown) => settle(w, { error: e }),
        );
      }
    }
  }

  function pump(): void {
    while (writing < maxConcurrent && waiting.length > 0) {
      const batch = waiting.splice(0, maxBatch);
      writing++;
      void write(batch).finally(() => {
        writing--;
        pump();
      });
    }
  }

  return {
    store(delivery) {
      const bytes = heldBytes(delivery);
      // One delivery is always let in when nothing is held, whatever its size (the body limit
      // bounds it), so a bound below one body's size cannot refuse everything.
      if (heldCount > 0 && (heldCount + 1 > maxHeld || heldTotalBytes + bytes > maxHeldBytes)) {
        return Promise.reject(
          new WebhookBusyError('intake_busy', `Too many webhooks are waiting to be stored (${heldCount}); nothing was stored, retry later`, retryAfterSeconds),
        );
      }
      heldCount++;
      heldTotalBytes += bytes;
      return new Promise<WebhookIngestResult>((resolve, reject) => {
        waiting.push({ delivery, bytes, resolve, reject });
        pump();
      });
    },
    held: () => ({ count: heldCount, bytes: heldTotalBytes }),
  };
}
