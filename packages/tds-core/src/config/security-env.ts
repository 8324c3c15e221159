import { z } from 'zod';
import { parseEncryptionKey } from '../zoho-access/token-cipher';

// The "secrets and trust" settings (token encryption at rest, webhook authentication, the Zoho
// request timeout), kept apart from env-schema.ts so that file stays readable. Why each exists
// and its default: docs/security.md.

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** One key: 64 hex characters or the base64 of 32 bytes. The message never echoes the value. */
const encryptionKey = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .refine((value) => parseEncryptionKey(value) !== null, {
      message: 'must be 32 random bytes as 64 hex characters or base64 (e.g. `openssl rand -hex 32`)',
    })
    .optional(),
);

/** Earlier keys, comma separated, still accepted for reading rows written with them. */
const previousKeys = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .refine((value) => value.split(',').every((key) => parseEncryptionKey(key.trim()) !== null), {
      message: 'must be a comma-separated list of keys, each 32 bytes as 64 hex characters or base64',
    })
    .optional(),
);

export const securityEnv = {
  /** AES-256-GCM key of the access tokens stored in zoho_oauth_tokens; unset keeps them in plain text. */
  TDS_ENCRYPTION_KEY: encryptionKey,
  TDS_ENCRYPTION_KEY_PREVIOUS: previousKeys,
  /** hmac: Zoho's X-Zoho-Webhook-Signature with ZOHO_WEBHOOK_SECRET (default); token: TDS_WEBHOOK_TOKEN sent by Zoho. */
  TDS_WEBHOOK_AUTH: z.preprocess(emptyToUndefined, z.enum(['hmac', 'token'], { message: 'must be hmac or token' }).default('hmac')),
  // Sent by Zoho as a custom header or query parameter: long enough not to be guessed, and only
  // characters that survive a URL and a header unchanged.
  TDS_WEBHOOK_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .min(32, { message: 'must be at least 32 characters (e.g. `openssl rand -hex 24`)' })
      .regex(/^[A-Za-z0-9._~-]+$/, { message: 'must use only letters, digits and . _ ~ - (it travels in a URL and a header)' })
      .optional(),
  ),
  /** Interface `tds serve` listens on; 127.0.0.1 unless a container or proxy needs more. */
  HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  // Behind a reverse proxy every client shares the proxy's address: raise it there, or one guesser
  // locks everyone out for a while.
  /** Wrong admin tokens per minute from one address before it is answered 429 for a while. */
  TDS_ADMIN_MAX_FAILURES: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'must be a whole number' })
      .int({ message: 'must be a whole number' })
      .min(1, { message: 'must be at least 1' })
      .max(100_000, { message: 'must be at most 100000' })
      .default(5),
  ),
  /** One Zoho HTTP attempt (token refresh or API call) is abandoned after this long. */
  ZOHO_TIMEOUT_MS: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'must be a whole number of milliseconds' })
      .int({ message: 'must be a whole number of milliseconds' })
      .min(100, { message: 'must be at least 100 milliseconds' })
      .max(600_000, { message: 'must be at most 600000 milliseconds' })
      .default(30_000),
  ),
};

/** Shortest admin token `tds serve` accepts. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;
