import express, { type RequestHandler } from 'express';
import { HttpProblem } from './problem';

const FORM = 'application/x-www-form-urlencoded';

/**
 * The admin routes' small bodies (`{"note": …}`, `{"mode": "full"}`), read whatever Content-Type
 * they came with: `curl -d '{…}'` labels JSON as a form and `fetch` with a string body as
 * text/plain, and silently ignoring such a body would resolve nothing, or run an incremental sync
 * where a full one was asked for. Text that looks like JSON is parsed as JSON (400 when it is
 * not valid); a form body (`note=…`) becomes its fields; no body is `{}`.
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
      try {
        req.body = JSON.parse(text) as unknown;
      } catch {
        throw new HttpProblem(400, 'invalid_json', 'The request body is not valid JSON');
      }
    }
    next();
  };
  return [read, parse];
}
