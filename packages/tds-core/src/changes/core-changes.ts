import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { LoggerLike } from '../db/logger-like';
import type { Database } from '../db/schema';
import { listConsumers } from './consumers';
import { createChangesApi, type TdsChangesApi } from './core-api';
import type { Subscription } from './types';
import { CHANGES_WEBHOOK_CONSUMER, startChangesWebhook } from './webhook/changes-webhook';

export interface CoreChangesConfig {
  TDS_CHANGES_WEBHOOK_URL?: string;
  TDS_CHANGES_WEBHOOK_SECRET?: string;
}

export class ChangesWebhookConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChangesWebhookConfigError';
  }
}

/** The change feed as createTdsCore wires it: the API, the optional outgoing webhook, its health fields. */
export function createCoreChanges(deps: { db: Kysely<Database>; pool: pg.Pool; logger: LoggerLike; config: CoreChangesConfig }) {
  const { config } = deps;
  const api = createChangesApi(deps);
  let webhook: Subscription | undefined;
  return {
    changes: api.changes as TdsChangesApi['changes'],
    trace: api.trace as TdsChangesApi['trace'],
    traceSearch: api.traceSearch as TdsChangesApi['traceSearch'],
    /** Starts the outgoing webhook when TDS_CHANGES_WEBHOOK_URL is set (every process may: they share its cursor). */
    startWebhook(): void {
      if (webhook || !config.TDS_CHANGES_WEBHOOK_URL) return;
      if (!config.TDS_CHANGES_WEBHOOK_SECRET) {
        throw new ChangesWebhookConfigError('TDS_CHANGES_WEBHOOK_URL is set without TDS_CHANGES_WEBHOOK_SECRET: the change webhook is never sent unsigned');
      }
      webhook = startChangesWebhook({ db: deps.db, pool: deps.pool, logger: deps.logger, url: config.TDS_CHANGES_WEBHOOK_URL, secret: config.TDS_CHANGES_WEBHOOK_SECRET });
    },
    /** The webhook's delivery status for health (absent when no webhook is configured). */
    async healthFields(): Promise<Record<string, unknown>> {
      if (!config.TDS_CHANGES_WEBHOOK_URL) return {};
      const status = (await listConsumers(deps.db)).find((c) => c.name === CHANGES_WEBHOOK_CONSUMER);
      return {
        change_webhook: {
          cursor: status?.cursor ?? null,
          lag: status?.lag ?? null,
          failures: status?.failures ?? 0,
          last_error: status?.failures ? status.last_error : null,
          last_error_at: status?.failures ? status.last_error_at : null,
          delivered_at: status?.updated_at ?? null,
        },
      };
    },
    async stop(): Promise<void> {
      await Promise.all([webhook?.stop(), api.stopSubscriptions()]);
      webhook = undefined;
    },
  };
}
