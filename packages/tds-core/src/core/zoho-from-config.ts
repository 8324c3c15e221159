import type { Kysely } from 'kysely';
import type pg from 'pg';
import { createZohoClient, type ZohoClient, type ZohoClientOptions, type ZohoLogger } from '@tsh/zoho-client';
import { ConfigError } from '../config/load-config';
import type { TdsEnv } from '../config/env-schema';
import type { LoggerLike } from '../db/logger-like';
import { createPostgresRateLimiter } from '../zoho-access/postgres-rate-limiter';
import { createPostgresTokenStore, createTokenUseTracker } from '../zoho-access/postgres-token-store';
import { createTokenCipher } from '../zoho-access/token-cipher';

const REQUIRED = ['ZOHO_CLIENT_ID', 'ZOHO_CLIENT_SECRET', 'ZOHO_REFRESH_TOKEN', 'ZOHO_ORGANIZATION_ID'] as const;

/** The Zoho client every process of the organization shares through PostgreSQL (one token, one budget). */
export function zohoFromConfig(
  config: TdsEnv,
  deps: { db: Kysely<any>; pool: pg.Pool; logger: LoggerLike; overrides?: Partial<ZohoClientOptions> },
): ZohoClient {
  const missing = REQUIRED.filter((name) => !config[name]);
  if (missing.length > 0) throw new ConfigError(missing.map((variable) => ({ variable, message: 'is required to talk to Zoho' })));
  const organizationId = config.ZOHO_ORGANIZATION_ID!;
  // A successful answer proves the stored token works: a refresh refused earlier (perhaps another
  // shell's `tds token refresh` with other credentials) stops counting against the credential.
  const tokenUse = createTokenUseTracker({ db: deps.db, organizationId, logger: deps.logger });
  const hooks = deps.overrides?.hooks;
  return createZohoClient({
    organizationId,
    dataCenter: config.ZOHO_DATA_CENTER,
    credentials: { clientId: config.ZOHO_CLIENT_ID!, clientSecret: config.ZOHO_CLIENT_SECRET!, refreshToken: config.ZOHO_REFRESH_TOKEN! },
    accountsUrl: config.ZOHO_ACCOUNTS_URL,
    apiUrl: config.ZOHO_API_URL,
    tokenStore: createPostgresTokenStore({
      db: deps.db,
      pool: deps.pool,
      organizationId,
      cipher: createTokenCipher(config.TDS_ENCRYPTION_KEY, config.TDS_ENCRYPTION_KEY_PREVIOUS),
      logger: deps.logger,
    }),
    rateLimiter: createPostgresRateLimiter({
      db: deps.db,
      organizationId,
      requestsPerMinute: config.TDS_RATE_LIMIT_PER_MINUTE,
      maxConcurrent: deps.overrides?.maxConcurrent ?? config.TDS_ZOHO_MAX_CONCURRENT,
    }),
    requestsPerMinute: config.TDS_RATE_LIMIT_PER_MINUTE,
    maxConcurrent: config.TDS_ZOHO_MAX_CONCURRENT,
    timeoutMs: config.ZOHO_TIMEOUT_MS,
    logger: zohoLoggerFrom(deps.logger),
    ...deps.overrides,
    hooks: {
      ...hooks,
      onResponse(event) {
        hooks?.onResponse?.(event);
        if (event.status >= 200 && event.status < 300) tokenUse.succeeded(event.durationMs);
      },
    },
  });
}

/** The client logs (message, fields); pino-style loggers take (fields, message). */
function zohoLoggerFrom(logger: LoggerLike): ZohoLogger {
  return {
    debug: (message, fields) => logger.debug(fields ?? {}, message),
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
  };
}
