// A lone UTF-16 surrogate cannot be encoded as UTF-8: a text parameter's encoding writes U+FFFD in
// its place, so that is what PostgreSQL stores and compares. Code that writes text any other way
// (inside a JSON document, a literal) or keys maps by it must use the same form.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `value` as PostgreSQL will store it: every lone surrogate replaced by U+FFFD. */
export const wellFormedText = (value: string): string => value.replace(LONE_SURROGATE, '\ufffd');
