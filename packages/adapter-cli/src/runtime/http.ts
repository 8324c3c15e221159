import type { Server } from 'node:http';
import type { Logger, TdsCore } from '@tsh/tds-core';
import { serveTds } from '@tsh/tds-express';

export interface HttpOptions {
  /** Only scrubbed from answers: the core verifies webhooks with its own configuration. */
  webhookSecret?: string;
  adminToken: string;
  port: number;
  host: string;
  logger?: Logger;
  /** TDS_METRICS_PUBLIC: GET /metrics without the admin token. */
  metricsPublic?: boolean;
  /** TDS_ADMIN_MAX_FAILURES: wrong admin tokens a minute from one address before it gets 429s. */
  adminMaxFailures?: number;
}

export interface RunningHttp {
  url: string;
  server: Server;
  /** Stops accepting, lets in-flight requests finish (each 2xx already stored); the core is closed by its owner. */
  close(): Promise<void>;
}

/** The Express adapter's app (webhooks, health, metrics, admin API, dashboard at /tds) listening on host:port. */
export async function startHttp(core: TdsCore, options: HttpOptions): Promise<RunningHttp> {
  const { metricsPublic, adminMaxFailures, ...rest } = options;
  const running = await serveTds(core, { ...rest, metricsRequireAuth: !metricsPublic, adminLockout: { maxFailures: adminMaxFailures }, dashboard: true });
  return { url: running.url, server: running.server, close: () => running.close({ closeCore: false }) };
}

/** The URL to show people: a wildcard bind is reachable on localhost. */
export function displayUrl(url: string): string {
  return url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//127.0.0.1:');
}
