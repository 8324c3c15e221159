import { z } from 'zod';
import { hardeningEnv } from './hardening-env';
import { verifyScheduleEnv } from './verify-schedule-env';
import { securityEnv } from './security-env';
import { changesEnv } from '../changes/changes-env';

const DATA_CENTERS = ['com', 'eu', 'in', 'com.au', 'jp', 'ca', 'sa', 'com.cn'] as const;

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
// Every URL TDS calls is spoken to over HTTP: anything else (ftp://, a bare host) could never work,
// so it stops every command at start. The message never echoes the value (it may carry credentials).
const optionalUrl = z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional());
const positiveInt = (fallback: number, max: number) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'must be a whole number' })
      .int({ message: 'must be a whole number' })
      .min(1, { message: 'must be at least 1' })
      .max(max, { message: `must be at most ${max}` })
      .default(fallback),
  );

// A Zoho credential is used byte for byte (the OAuth form, the webhook HMAC): a line break or space
// copied around it (a secret file's last newline, a quoted .env value) would only show later, as
// every token refresh refused or every webhook answered 401. Zoho's generated credentials hold no
// white space or control character; a webhook secret typed with a space at either end is far less
// likely than a copy slip, so such a value stops start-up instead. The message never echoes it.
const zohoCredential = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .refine((value) => value === value.trim() && !/[\u0000-\u001f\u007f]/.test(value), {
      message: 'starts or ends with white space or holds a control character (a line break copied with it?): it is used byte for byte, so it would not match what Zoho holds',
    })
    .optional(),
);

/** The environment contract (docs/architecture.md, "Configuration"). */
export const envSchema = z.object({
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// URL' })
      .optional(),
  ),
  ZOHO_CLIENT_ID: zohoCredential,
  ZOHO_CLIENT_SECRET: zohoCredential,
  ZOHO_REFRESH_TOKEN: zohoCredential,
  ZOHO_ORGANIZATION_ID: z.preprocess(emptyToUndefined, z.string().regex(/^\d+$/, { message: 'must be the numeric Zoho organization id' }).optional()),
  ZOHO_DATA_CENTER: z.preprocess(
    emptyToUndefined,
    z.enum(DATA_CENTERS, { message: `must be one of ${DATA_CENTERS.join(', ')}` }).default('com'),
  ),
  ZOHO_ACCOUNTS_URL: optionalUrl,
  ZOHO_API_URL: optionalUrl,
  ZOHO_WEBHOOK_SECRET: zohoCredential,
  // Deliveries of records the worker fetches from Zoho anyway (price books, stock items) are read
  // as they arrive and not held, so they may be larger than the 1 MB of every other webhook.
  TDS_WEBHOOK_MAX_FETCHED_BODY_BYTES: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'must be a whole number of bytes' })
      .int({ message: 'must be a whole number of bytes' })
      .min(1024 * 1024, { message: 'must be at least 1048576 (1 MB, the limit of every other webhook)' })
      .max(1024 * 1024 * 1024, { message: 'must be at most 1073741824 (1 GB)' })
      .default(64 * 1024 * 1024),
  ),
  // Sent as `Authorization: Bearer <token>`: a space, a control character or a non-ASCII letter
  // could never arrive intact, so every admin request would be refused.
  TDS_ADMIN_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces (it is sent as `Authorization: Bearer <token>`)' })
      .optional(),
  ),
  TDS_WORKERS: positiveInt(2, 64),
  TDS_RATE_LIMIT_PER_MINUTE: positiveInt(100, 10_000),
  /** Zoho requests in flight at once, for the whole cluster: 10 on paid plans, 5 on Free (docs/zoho-behaviour.md). */
  TDS_ZOHO_MAX_CONCURRENT: positiveInt(10, 100),
  TDS_LEASE_SECONDS: positiveInt(60, 3600),
  /** Queue items a worker claims at once (workers/create-worker-pool.ts DEFAULT_WORKER_BATCH_SIZE). */
  TDS_WORKER_BATCH_SIZE: positiveInt(200, 10_000),
  /** Longest wait of a queue handler's Zoho call for the rate limit before its items are deferred (handlers/zoho-wait.ts). */
  TDS_WORKER_ZOHO_MAX_WAIT_MS: positiveInt(3000, 600_000),
  PORT: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: 'must be a port number' }).int({ message: 'must be a port number' }).min(0).max(65535, { message: 'must be a port number (0–65535)' }).default(3000),
  ),
  /** Alerts are also POSTed here as JSON with a Slack-compatible `text`. */
  TDS_ALERT_WEBHOOK_URL: optionalUrl,
  TDS_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./.tds')),
  // The same rule createDatabase applies to its `schema` option (docs/embedding.md), checked at start.
  TDS_SCHEMA: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'must be a lower-case PostgreSQL identifier: a letter or _, then letters, digits or _ (at most 63)' })
      .optional(),
  ),
  TDS_LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  ),
  ...hardeningEnv,
  ...verifyScheduleEnv,
  ...securityEnv,
  ...changesEnv,
});

export type TdsEnv = z.output<typeof envSchema>;
export { DATA_CENTERS };
