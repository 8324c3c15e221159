import { RecordRejectedError } from './types';

/** Path of the first string (or object key) holding U+0000, or null. */
export function findNulCharacter(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(value)' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNulCharacter(value[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (key.includes('\u0000')) return at;
      const found = findNulCharacter(child, at);
      if (found !== null) return found;
    }
  }
  return null;
}

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Path of the first string (or object key) holding an unpaired UTF-16 surrogate (half of an emoji,
 * e.g. text cut in the middle of one, sent by Zoho as a lone `\ud83d` escape), or null.
 */
export function findUnpairedSurrogate(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return UNPAIRED_SURROGATE.test(value) ? path || '(value)' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnpairedSurrogate(value[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (UNPAIRED_SURROGATE.test(key)) return at;
      const found = findUnpairedSurrogate(child, at);
      if (found !== null) return found;
    }
  }
  return null;
}

// Any NUL or any surrogate, paired or not: a record without one (nearly all) is cleared in one walk
// that builds no paths; the walks above run only for the rest, to tell an emoji from a broken one.
const SUSPECT = /[\u0000\uD800-\uDFFF]/;

function mayHoldUnstorableText(value: unknown): boolean {
  if (typeof value === 'string') return SUSPECT.test(value);
  if (Array.isArray(value)) return value.some(mayHoldUnstorableText);
  if (value !== null && typeof value === 'object') {
    for (const key in value) {
      if (Object.hasOwn(value, key) && (SUSPECT.test(key) || mayHoldUnstorableText((value as Record<string, unknown>)[key]))) return true;
    }
  }
  return false;
}

/**
 * PostgreSQL text and jsonb cannot hold U+0000, and jsonb refuses an unpaired surrogate (text would
 * silently turn it into U+FFFD). Stripping or replacing either would store something Zoho never
 * sent, so such a record is refused for good, naming the field.
 */
export function assertStorableText(entity: string, recordId: string, value: unknown): void {
  if (!mayHoldUnstorableText(value)) return;
  const at = findNulCharacter(value);
  if (at !== null) {
    throw new RecordRejectedError(entity, recordId, `${at} contains a NUL character (U+0000), which PostgreSQL text cannot store`);
  }
  const broken = findUnpairedSurrogate(value);
  if (broken !== null) {
    throw new RecordRejectedError(entity, recordId, `${broken} contains a broken character (an unpaired UTF-16 surrogate, e.g. half of an emoji), which PostgreSQL cannot store`);
  }
}
