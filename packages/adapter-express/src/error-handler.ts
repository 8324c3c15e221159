import { isDatabaseUnavailable, QueueInputError, WebhookBusyError, WebhookRejectedError } from '@tsh/tds-core';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HttpProblem, sendProblem } from './problem';
import { recordRequestError } from './request-log';

// body-parser's error types, answered as the problems they are.
const BODY_PARSER_PROBLEMS: Record<string, [number, string]> = {
  'entity.too.large': [413, 'payload_too_large'],
  'entity.parse.failed': [400, 'invalid_json'],
  'encoding.unsupported': [415, 'unsupported_encoding'],
  'charset.unsupported': [415, 'unsupported_charset'],
  'request.aborted': [400, 'request_aborted'],
  'request.size.invalid': [400, 'invalid_content_length'],
};

const DATABASE_RETRY_AFTER_SECONDS = 5;

interface HttpishError {
  type?: unknown;
  status?: unknown;
  expose?: unknown;
  message?: unknown;
}

/**
 * Turns every error into a JSON problem. Messages of known errors are written for clients and
 * carry no secrets; anything else is a plain 500 (details and stack go to the request log only).
 */
export function problemErrorHandler(): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    // 503s say when to come back: Zoho (and any client) retries instead of giving up.
    if (error instanceof WebhookBusyError) {
      res.setHeader('Retry-After', String(error.retryAfterSeconds));
      sendProblem(res, error.status, error.code, error.message);
      return;
    }
    if (error instanceof WebhookRejectedError || error instanceof HttpProblem) {
      sendProblem(res, error.status, error.code, error.message);
      return;
    }
    if (error instanceof QueueInputError) {
      sendProblem(res, 400, 'invalid_input', error.message);
      return;
    }
    const e = (error ?? {}) as HttpishError;
    // The router could not decode a path parameter (`/api/zoho/webhooks/%E0%A4%A`): the client's mistake.
    if (error instanceof URIError && e.status === 400) {
      sendProblem(res, 400, 'invalid_path', 'The request path holds a malformed %-escape');
      return;
    }
    const known = typeof e.type === 'string' ? BODY_PARSER_PROBLEMS[e.type] : undefined;
    if (known) {
      const message = known[0] === 413 ? 'Request body is too large' : String(e.message);
      sendProblem(res, known[0], known[1], message);
      return;
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true) {
      sendProblem(res, e.status, 'bad_request', String(e.message));
      return;
    }
    // Last of the known kinds: body-parser's own errors (aborted requests) carry E… codes too.
    if (isDatabaseUnavailable(error)) {
      res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      sendProblem(res, 503, 'database_unavailable', 'The database is not answering; retry later');
      return;
    }
    // Written with the request's log line (request-log.ts).
    recordRequestError(res, error);
    sendProblem(res, 500, 'internal_error', 'Internal server error');
  };
}

export function notFoundHandler(): RequestHandler {
  return (req, res) => sendProblem(res, 404, 'not_found', `No route for ${req.method} ${req.path}`);
}
