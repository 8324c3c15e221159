import type { Logger } from 'pino';
import { createAdminLockout, type AdminLockout, type AdminLockoutOptions } from './admin-lockout';
import type { TdsDashboardOptions } from './dashboard/dashboard-options';

export interface TdsExpressOptions {
  /**
   * @deprecated Not used to verify webhooks: the core verifies them with its own configuration
   * (ZOHO_WEBHOOK_SECRET, or TDS_WEBHOOK_TOKEN with TDS_WEBHOOK_AUTH=token) and refuses every
   * delivery without it. When given, it is only scrubbed from answers, like the admin token.
   */
  webhookSecret?: string;
  /** TDS_ADMIN_TOKEN: the bearer token of the admin routes. Required. */
  adminToken: string;
  /**
   * Largest webhook body held whole. Default 1 MB. Price-book and stock-item deliveries may be larger,
   * up to the core's TDS_WEBHOOK_MAX_FETCHED_BODY_BYTES: they are verified as they arrive and not held.
   */
  maxBodyBytes?: number;
  /** Put GET /metrics behind the admin token. Default true; false opens it (a scraper on a private network, TDS_METRICS_PUBLIC=true). */
  metricsRequireAuth?: boolean;
  /** Slow-down of repeated wrong admin tokens per client address (defaults: 5 a minute, then 429 for 30 s, doubling). */
  adminLockout?: AdminLockoutOptions;
  /** Request log (one line per request, request-log.ts). Default: the core's logger. */
  logger?: Logger;
  /** Serve the dashboard (@tsh/tds-dashboard's build) at /tds. Default false. */
  dashboard?: boolean | TdsDashboardOptions;
  /** Period of the live snapshots of GET /api/tds/events. Default 2000 ms. */
  eventsIntervalMs?: number;
}

export interface ResolvedTdsExpressOptions {
  /** Only scrubbed from answers (see TdsExpressOptions.webhookSecret); '' when not given. */
  webhookSecret: string;
  adminToken: string;
  /** One per app: every admin route counts wrong tokens together. */
  adminLockout: AdminLockout;
  maxBodyBytes: number;
  metricsRequireAuth: boolean;
  logger: Logger | undefined;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** The adapter was configured so that it would accept what it cannot verify: it refuses to start. */
export class TdsExpressConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TdsExpressConfigError';
  }
}

const present = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** Checks the options at construction (fail closed); the messages name the setting, never its value. */
export function resolveTdsExpressOptions(options: TdsExpressOptions | undefined): ResolvedTdsExpressOptions {
  const problems: string[] = [];
  if (!present(options?.adminToken)) {
    problems.push('adminToken (TDS_ADMIN_TOKEN) is required: without it the admin routes would be open');
  }
  const maxBodyBytes = options?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) problems.push('maxBodyBytes must be a positive whole number');
  if (problems.length > 0) throw new TdsExpressConfigError(`TDS HTTP adapter refuses to start: ${problems.join('; ')}`);
  return {
    webhookSecret: options!.webhookSecret ?? '',
    adminToken: options!.adminToken,
    adminLockout: createAdminLockout(options!.adminLockout),
    maxBodyBytes,
    metricsRequireAuth: options!.metricsRequireAuth ?? true,
    logger: options!.logger,
  };
}
