import { z } from 'zod';

// The production-hardening settings (database timeouts, webhook back-pressure, health and
// metrics exposure, retention), kept apart from env-schema.ts so that file stays readable.
// Defaults and reasons: docs/hardening.md.

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const wholeNumber = (fallback: number, min: number, max: number, unit: string, zeroMeans?: string) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: `must be a whole number of ${unit}` })
      .int({ message: `must be a whole number of ${unit}` })
      .min(min, { message: `must be at least ${min} ${unit}${zeroMeans ? ` (0 ${zeroMeans})` : ''}` })
      .max(max, { message: `must be at most ${max} ${unit}` })
      .default(fallback),
  );

const HOUR_MS = 3_600_000;

const flag = (fallback: boolean) =>
  z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  );

export const hardeningEnv = {
  /** Opening a database connection, or waiting for a free one. */
  TDS_DB_CONNECT_TIMEOUT_MS: wholeNumber(10_000, 100, HOUR_MS, 'milliseconds'),
  /** Server-side statement limit; 0 turns it off. */
  TDS_DB_STATEMENT_TIMEOUT_MS: wholeNumber(60_000, 0, HOUR_MS, 'milliseconds', 'turns it off'),
  /** A session idle inside a transaction this long is ended by the server; 0 turns it off. */
  TDS_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: wholeNumber(60_000, 0, HOUR_MS, 'milliseconds', 'turns it off'),
  /** A query unanswered this long makes TDS check that the server still answers. */
  TDS_DB_STALL_TIMEOUT_MS: wholeNumber(15_000, 100, HOUR_MS, 'milliseconds'),
  /** TCP keep-alive on database sockets starts after this much silence. */
  TDS_DB_KEEPALIVE_DELAY_MS: wholeNumber(10_000, 1000, HOUR_MS, 'milliseconds'),
  /** Webhook deliveries waiting for the database at most; past it a delivery is answered 503. */
  TDS_WEBHOOK_QUEUE_MAX_COUNT: wholeNumber(2000, 1, 1_000_000, 'deliveries'),
  /** Bytes of webhook bodies waiting for the database at most; past it a delivery is answered 503. */
  TDS_WEBHOOK_QUEUE_MAX_BYTES: wholeNumber(64 * 1024 * 1024, 1024, 4 * 1024 * 1024 * 1024, 'bytes'),
  /** GET /metrics without the admin token (a scraper on a private network). */
  TDS_METRICS_PUBLIC: flag(false),
  /** Health and metrics are read from the database at most once per this period. */
  TDS_HEALTH_CACHE_MS: wholeNumber(5000, 0, 300_000, 'milliseconds', 'reads it every time'),
  TDS_RETENTION_QUEUE_DAYS: wholeNumber(7, 1, 3650, 'days'),
  TDS_RETENTION_WEBHOOK_DAYS: wholeNumber(7, 1, 3650, 'days'),
  TDS_RETENTION_HEAL_LOG_DAYS: wholeNumber(30, 1, 3650, 'days'),
  TDS_RETENTION_ALERT_DAYS: wholeNumber(30, 1, 3650, 'days'),
};

type HardeningEnv = { [K in keyof typeof hardeningEnv]: z.output<(typeof hardeningEnv)[K]> };

/** The database pool's timeouts (createDatabase's `timeouts`) from the environment. */
export function databaseTimeoutsOf(env: HardeningEnv) {
  return {
    connectMs: env.TDS_DB_CONNECT_TIMEOUT_MS,
    statementMs: env.TDS_DB_STATEMENT_TIMEOUT_MS,
    idleInTransactionMs: env.TDS_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    stallMs: env.TDS_DB_STALL_TIMEOUT_MS,
    keepAliveDelayMs: env.TDS_DB_KEEPALIVE_DELAY_MS,
  };
}

/** The webhook batcher's bounds (createWebhookIngestor's `batch`) from the environment. */
export function webhookBatchOptionsOf(env: HardeningEnv) {
  return { maxHeld: env.TDS_WEBHOOK_QUEUE_MAX_COUNT, maxHeldBytes: env.TDS_WEBHOOK_QUEUE_MAX_BYTES };
}

/** The healer's retention ages (HealerOptions.retention) from the environment. */
export function retentionOf(env: HardeningEnv) {
  return {
    queueDays: env.TDS_RETENTION_QUEUE_DAYS,
    webhookDays: env.TDS_RETENTION_WEBHOOK_DAYS,
    healLogDays: env.TDS_RETENTION_HEAL_LOG_DAYS,
    alertDays: env.TDS_RETENTION_ALERT_DAYS,
  };
}
