import type { Kysely } from 'kysely';
import type { WebhookIngestResult } from '../core/types';
import type { Database } from '../db/schema';
import { storeWebhooks, type WebhookToStore } from './store-webhooks';

export interface WebhookBatcherOptions {
  /** Deliveries written in one transaction at most. Default 200. */
  maxBatch?: number;
  /** Transactions writing at once. Default 2. */
  maxConcurrent?: number;
}

interface Waiting {
  delivery: WebhookToStore;
  resolve(result: WebhookIngestResult): void;
  reject(error: unknown): void;
}

/**
 * Group commit for webhooks: a delivery is written at once when a writer is free, otherwise with
 * whatever else arrived meanwhile, in one transaction. No delivery waits for a timer, so an idle
 * server answers as fast as before and a busy one does the same few statements for many
 * deliveries. A failed batch is written again one delivery at a time, so one delivery's failure
 * is never another's.
 */
export function createWebhookBatcher(db: Kysely<Database>, options: WebhookBatcherOptions = {}): { store(delivery: WebhookToStore): Promise<WebhookIngestResult> } {
  const maxBatch = options.maxBatch ?? 200;
  const maxConcurrent = options.maxConcurrent ?? 2;
  const waiting: Waiting[] = [];
  let writing = 0;

  async function write(batch: Waiting[]): Promise<void> {
    try {
      const results = await storeWebhooks(
        db,
        batch.map((w) => w.delivery),
      );
      batch.forEach((w, i) => w.resolve(results[i]));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      for (const w of batch) {
        await storeWebhooks(db, [w.delivery]).then(([result]) => w.resolve(result), w.reject);
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
      return new Promise<WebhookIngestResult>((resolve, reject) => {
        waiting.push({ delivery, resolve, reject });
        pump();
      });
    },
  };
}
