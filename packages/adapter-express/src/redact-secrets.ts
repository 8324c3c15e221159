import { SECRET_KEYS } from '@tsh/tds-core';

const SECRET_KEY_SET = new Set<string>(SECRET_KEYS.map((k) => k.toLowerCase()));

/**
 * A copy of a JSON-able value for an HTTP answer: fields named like secrets dropped, and any
 * string holding one of the given secret values redacted (defence in depth: the core should
 * never put them there).
 */
export function withoutSecrets(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') {
    let out = value;
    for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[REDACTED]');
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => withoutSecrets(v, secrets));
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!SECRET_KEY_SET.has(key.toLowerCase())) out[key] = withoutSecrets(v, secrets);
  }
  return out;
}
