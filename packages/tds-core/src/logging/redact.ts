/** Field names whose values are secrets wherever they appear in a log object. */
export const SECRET_KEYS = [
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'client_secret',
  'clientSecret',
  'webhookSecret',
  'webhook_secret',
  'adminToken',
  'admin_token',
  'authorization',
  'Authorization',
  'password',
  'x-zoho-webhook-signature',
  'x-tds-webhook-token',
  'tds_token',
  'webhookToken',
  'encryptionKey',
] as const;

/** pino `redact.paths` covering the secret keys at the top level, one level down and in request headers. */
export const PINO_REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  'req.headers.authorization',
  'req.headers["x-zoho-webhook-signature"]',
  'req.headers["x-tds-webhook-token"]',
  'req.headers.cookie',
];

/** Replaces every occurrence of the given secret values in a text (for error messages and reports). */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined | null>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[REDACTED]');
  }
  return out;
}
