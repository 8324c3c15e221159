import type { Kysely } from 'kysely';
import type pg from 'pg';
import { silentLogger, type LoggerLike } from '../../db/logger-like';
import type { Database } from '../../db/schema';
import { subscribeChanges } from '../subscribe';
import type { Change, Subscription } from '../types';
import { signWebhook, webhookKeyOf } from './sign-webhook';
import { scrubSecrets } from '@tsh/zoho-client/internal';

export const CHANGES_WEBHOOK_CONSUMER = 'tds-webhook';

export interface ChangesWebhookOptions {
  db: Kysely<Database>;
  pool: pg.Pool;
  url: string;
  /** `whsec_…` */
  secret: string;
  logger?: LoggerLike;
  /** Changes per POST (default 100). */
  batchSize?: number;
  /** One POST may take this long (default 10 000 ms). */
  timeoutMs?: number;
  pollIntervalMs?: number;
  retry?: { initialDelayMs?: number; maxDelayMs?: number };
}

/** The JSON body of one delivery. Identical on every retry of the batch, like its webhook-id. */
export function webhookBody(changes: Change[]): string {
  return JSON.stringify({ type: 'tds.changes', data: { cursor: changes[changes.length - 1].id, changes } });
}

/**
 * POSTs the feed to TDS_CHANGES_WEBHOOK_URL as the consumer `tds-webhook` (docs/change-feed.md,
 * "Outgoing webhook"): batches in cursor order, each signed the Standard Webhooks way. Anything but
 * a 2xx is a failure and the same batch is sent again with backoff (same webhook-id, a new
 * timestamp and signature), so the receiver sees batches in order, at least once, and can drop a
 * repeat by its webhook-id. Its delivery status is the consumer's row (cursor, lag, last error).
 */
export function startChangesWebhook(options: ChangesWebhookOptions): Subscription {
  const key = webhookKeyOf(options.secret);
  const logger = options.logger ?? silentLogger;
  const timeoutMs = options.timeoutMs ?? 10_000;
  // The URL may carry a token of its own: it is never logged or stored with an error.
  const scrub = (text: string) => scrubSecrets(text, [options.url]);
  return subscribeChanges(
    { db: options.db, pool: options.pool, logger, scrub },
    { consumer: CHANGES_WEBHOOK_CONSUMER, batchSize: options.batchSize, pollIntervalMs: options.pollIntervalMs, retry: options.retry },
    async (changes, { signal }) => {
      const id = `msg_tds_changes_${changes[0].id}_${changes[changes.length - 1].id}`;
      const timestamp = Math.floor(Date.now() / 1000);
      const body = webhookBody(changes);
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signWebhook(key, id, timestamp, body),
          },
          body,
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        });
      } catch (error) {
        throw new Error(`the change webhook receiver could not be reached: ${(error as Error).cause ? String((error as Error & { cause: unknown }).cause) : (error as Error).message}`);
      }
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) throw new Error(`the change webhook receiver answered HTTP ${response.status}`);
      logger.debug({ first: changes[0].id, last: changes[changes.length - 1].id }, 'change webhook delivered');
    },
  );
}
