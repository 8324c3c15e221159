import { REDACTED, SECRET_KEYS } from '@tsh/zoho-client/internal';

// Redaction itself lives in @tsh/zoho-client (the lowest package that needs it); these names stay
// reachable from the core for the code that already imports them here.
export { REDACTED, SECRET_KEYS, redactSecrets } from '@tsh/zoho-client/internal';

/** pino `redact.paths` covering the secret keys at the top level, one level down and in request headers. */
export const PINO_REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  'req.headers.authorization',
  'req.headers["x-zoho-webhook-signature"]',
  'req.headers["x-tds-webhook-token"]',
  'req.headers.cookie',
];
