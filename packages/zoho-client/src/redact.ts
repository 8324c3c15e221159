// The one redaction module of TDS: every package that shows, logs or answers text which may hold a
// secret uses these, so a secret always reads as the same placeholder (docs/security.md).

/** What a secret is replaced with, everywhere. */
export const REDACTED = '[REDACTED]';

/** Secrets shorter than this are not replaced: a three-letter value would blank out ordinary words. */
const MIN_SECRET_LENGTH = 4;

/** Field names whose values are secrets wherever they appear (log objects, HTTP answers). */
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

const SECRET_KEY_SET = new Set<string>(SECRET_KEYS.map((key) => key.toLowerCase()));

/** Whether a field of this name holds a secret (case-insensitive). */
export const isSecretKey = (key: string): boolean => SECRET_KEY_SET.has(key.toLowerCase());

/** Replaces every occurrence of the given secret values in a text. */
export function redactSecrets(text: string, secrets: Iterable<string | undefined | null>): string {
  // Longest first: a secret that contains another is replaced whole, not left half-visible.
  const values = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH))];
  values.sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of values) out = out.split(secret).join(REDACTED);
  return out;
}

const NAMED_SECRET = /\b(access[_-]?token|refresh[_-]?token|client[_-]?secret|webhook[_-]?secret|admin[_-]?token|api[_-]?key|secret|password|passwd|token|signature)(\\?["']?\s*[:=]\s*\\?["']?)(?!\[REDACTED\])([^\s"'\\&,;)}\]]+)/gi;
const AUTH_HEADER = /\b(Zoho-oauthtoken|Bearer|Basic)\s+[^\s"',;]+/gi;
// Zoho access and refresh tokens look like 1000.<hex>.<hex>.
const ZOHO_TOKEN = /\b\d{4}\.[0-9a-f]{16,}\.[0-9a-f]{16,}\b/gi;
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi;

/**
 * For text written by someone else (errors stored by other parts, Zoho's messages) that reaches a
 * report, an alert or an answer: the known secret values are replaced, and so is anything shaped
 * like a secret - `token=…`, `client_secret: …`, `Bearer …`, Zoho's 1000.x.y tokens, URL passwords.
 */
export function scrubSecrets(text: string, secrets: Iterable<string | null | undefined> = []): string {
  return redactSecrets(text, secrets)
    .replace(URL_CREDENTIALS, `$1${REDACTED}@`)
    .replace(AUTH_HEADER, `$1 ${REDACTED}`)
    .replace(ZOHO_TOKEN, REDACTED)
    .replace(NAMED_SECRET, (_match, name: string, separator: string) => `${name}${separator}${REDACTED}`);
}

/**
 * A copy of a JSON-able value for an answer: fields named like secrets dropped, and any string
 * holding one of the given secret values redacted (defence in depth: the core should never put them there).
 */
export function withoutSecrets(value: unknown, secrets: Iterable<string>): unknown {
  const values = [...secrets];
  const copy = (v: unknown): unknown => {
    if (typeof v === 'string') return redactSecrets(v, values);
    if (Array.isArray(v)) return v.map(copy);
    if (v instanceof Date || v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(v)) if (!isSecretKey(key)) out[key] = copy(field);
    return out;
  };
  return copy(value);
}

/** Holds every secret the client knows, so any text built from remote content can be scrubbed of them. */
export interface SecretRegistry {
  add(secret: string | null | undefined): void;
  redact(text: string): string;
}

const MAX_REMEMBERED = 20;

/** The client's secrets: the configured ones, plus the last access tokens it was given (they rotate). */
export function createSecretRegistry(initial: Array<string | undefined>): SecretRegistry {
  const fixed = initial.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH);
  const rotating: string[] = [];
  return {
    add(secret) {
      if (!secret || secret.length < MIN_SECRET_LENGTH || rotating.includes(secret)) return;
      rotating.push(secret);
      if (rotating.length > MAX_REMEMBERED) rotating.shift();
    },
    redact: (text) => redactSecrets(text, [...fixed, ...rotating]),
  };
}
