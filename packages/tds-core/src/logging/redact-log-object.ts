import { isSecretKey, REDACTED } from '@tsh/zoho-client/internal';

/**
 * How deep a log object is searched for secret keys: the line's own fields (1), a field's fields (2,
 * e.g. `nested.client_secret`) and one more (3, e.g. `req.headers.authorization`).
 */
const DEPTH = 3;

type Fields = Record<string, unknown>;

/** Request headers that are secrets in a log line though not in a Zoho answer or config (isSecretKey's list). */
const SECRET_HEADERS = new Set(['cookie', 'set-cookie']);

const isSecretField = (key: string): boolean => isSecretKey(key) || SECRET_HEADERS.has(key.toLowerCase());

/**
 * The log object as it may be written: the same object when no key of its first three levels names
 * a secret (the common case, no copy), else a copy in which those values are the placeholder REDACTED (the
 * caller's object is never changed). Keys are matched case-insensitively (`isSecretKey`).
 *
 * Why not pino's `redact` paths: with a `*.<key>` path pino hands every object-valued field of every
 * line to @pinojs/redact, which clones and walks it — 30-45 µs per request log line against 2-3 µs
 * without, measured on this project's machine (docs/intake-profile.md). Looking before copying costs
 * a few key lookups.
 */
export function redactLogObject<T extends object>(fields: T): T {
  return (redactedCopy(fields, 1) ?? fields) as T;
}

/** A redacted copy of `value`, or undefined when it holds no secret key within the depth. */
function redactedCopy(value: object, depth: number): Fields | undefined {
  let copy: Fields | undefined;
  for (const key of Object.keys(value)) {
    const field = (value as Fields)[key];
    let replacement: unknown;
    if (isSecretField(key)) {
      if (field === undefined) continue;
      replacement = REDACTED;
    } else if (depth < DEPTH && field !== null && typeof field === 'object') {
      const inner = redactedCopy(field, depth + 1);
      if (inner === undefined) continue;
      replacement = inner;
    } else {
      continue;
    }
    copy ??= startCopy(value);
    copy[key] = replacement;
  }
  return copy;
}

/** A copy to censor in: an Error stays an Error of its class, so pino's serializer still gives its type, message and stack. */
function startCopy(value: object): Fields {
  if (value instanceof Error) return Object.create(Object.getPrototypeOf(value), Object.getOwnPropertyDescriptors(value)) as Fields;
  if (Array.isArray(value)) return [...value] as unknown as Fields;
  return { ...(value as Fields) };
}
