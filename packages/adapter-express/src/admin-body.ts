import express, { type RequestHandler } from 'express';
import { HttpProblem } from './problem';

const FORM = 'application/x-www-form-urlencoded';

/**
 * The admin routes' small bodies (`{"note": …}`, `{"mode": "full"}`), read whatever Content-Type
 * they came with: `curl -d '{…}'` labels JSON as a form and `fetch` with a string body as
 * text/plain, and silently ignoring such a body would resolve nothing, or run an incremental sync
 * where a full one was asked for. Text that looks like JSON is parsed as JSON (400 when it is
 * not valid); a form body (`note=…`) becomes its fields; no body is `{}`. A body that is JSON but
 * not an object (`[]`, `"full"`, `5`, `null`) is 400 `invalid_body`: every admin route takes an
 * object or nothing. Then no text of the request (body, query, path) may hold what PostgreSQL
 * cannot store as text: see refuseUnstorableText.
 */
export function adminBody(limit = '64kb'): RequestHandler[] {
  const read = express.text({ type: () => true, limit });
  const parse: RequestHandler = (req, _res, next) => {
    const text = typeof req.body === 'string' ? req.body : '';
    if (text.trim() === '') {
      req.body = {};
    } else if ((req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === FORM && !/^\s*[[{"]/.test(text)) {
      req.body = Object.fromEntries(new URLSearchParams(text));
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        throw new HttpProblem(400, 'invalid_json', 'The request body is not valid JSON');
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
        throw new HttpProblem(400, 'invalid_body', `The request body must be a JSON object (or empty), not ${kind}`);
      }
      req.body = parsed;
    }
    next();
  };
  return [read, parse, refuseUnstorableText];
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why PostgreSQL cannot take this text, or undefined when it can. */
export function unstorableText(value: string): string | undefined {
  if (value.includes('\u0000')) return 'contains a NUL character (\\u0000), which PostgreSQL cannot store in text';
  if (LONE_SURROGATE.test(value)) return 'contains an unpaired surrogate (half of a UTF-16 pair, such as \\ud800), which is not valid Unicode';
  return undefined;
}

function findUnstorable(value: unknown, where: string, depth = 0): string | undefined {
  if (typeof value === 'string') {
    const problem = unstorableText(value);
    return problem === undefined ? undefined : `${where} ${problem}`;
  }
  if (value === null || typeof value !== 'object' || depth > 32) return undefined;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, v] of entries) {
    const path = Array.isArray(value) ? `${where}[${key}]` : where === 'body' ? key : `${where}.${key}`;
    const keyProblem = Array.isArray(value) ? undefined : unstorableText(key);
    if (keyProblem !== undefined) return `a field name in ${where} ${keyProblem}`;
    const found = findUnstorable(v, path, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * 400 `invalid_text` when any text of an admin request (a body field such as `note`, a query
 * parameter such as `q`, a path segment such as a record id) holds a NUL character or an unpaired
 * surrogate: PostgreSQL refuses the first (a 500 otherwise) and would store the second altered
 * (U+FFFD), so neither ever reaches it. The message names the field.
 */
export const refuseUnstorableText: RequestHandler = (req, _res, next) => {
  const problem =
    findUnstorable(req.body, 'body') ??
    findUnstorable(req.query, 'query') ??
    req.originalUrl
      .split('?')[0]!
      .split('/')
      .map((segment) => {
        try {
          return unstorableText(decodeURIComponent(segment));
        } catch {
          return undefined; // not valid percent-encoding: the router answers that itself
        }
      })
      .map((p) => (p === undefined ? undefined : `a path segment ${p}`))
      .find((p) => p !== undefined);
  if (problem !== undefined) throw new HttpProblem(400, 'invalid_text', problem.replace(/^query\./, 'query parameter '));
  next();
};
