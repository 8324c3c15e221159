/**
 * The query of a request as Zoho signed it: every `key=value` pair of the raw URL, repeated keys
 * as arrays. Read from the URL itself so that the host app's query parser (qs nesting, arrays)
 * cannot change what the signature is checked against. A null-prototype object, so that a key like
 * `__proto__` is a pair like any other (on `{}` its assignment would vanish and break the signature).
 */
export function rawQuery(originalUrl: string): Record<string, string | string[]> {
  const at = originalUrl.indexOf('?');
  const out: Record<string, string | string[]> = Object.create(null);
  if (at < 0) return out;
  for (const [key, value] of new URLSearchParams(originalUrl.slice(at + 1))) {
    const prior = Object.hasOwn(out, key) ? out[key] : undefined;
    out[key] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  return out;
}
