import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

// Per-request state kept on the response, so that one shared listener serves every request.
const STARTED = Symbol('tds.requestLog.started');
const REQUEST = Symbol('tds.requestLog.request');
const ID = Symbol('tds.requestLog.id');
const LOGGED = Symbol('tds.requestLog.logged');

interface LoggedResponse extends ServerResponse {
  [STARTED]: number;
  [REQUEST]: IncomingMessage & { originalUrl?: string };
  [ID]: string;
  [LOGGED]?: true;
  locals?: Record<string, unknown>;
}

/** The line's request and response, already in their logged form: the logger must not serialize them again. */
const asIs = (value: unknown) => value;

/** An unexpected error of a request, to be written with its log line (the answer says only "Internal server error"). */
export function recordRequestError(res: Response, error: unknown): void {
  res.locals.requestError = error instanceof Error ? error : new Error(String(error));
}

function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

function pathOf(url: string | undefined): string | undefined {
  if (typeof url !== 'string') return undefined;
  const at = url.indexOf('?');
  return at < 0 ? url : url.slice(0, at);
}

/**
 * One JSON line per request, when its answer is sent (or the connection closes first), built from
 * an allow-list: request id, method, path without query, remote address, status, time in ms, and
 * the refusal's code. Headers (Authorization, X-Zoho-Webhook-Signature, cookies), query and body
 * never reach it, so no secret can, whatever logger is passed in; the logger's own redaction still
 * applies. The line keeps the shape pino-http gave it ({req, res, responseTime}, "request completed"),
 * written through `logger` with one shared listener per response instead of pino-http's per-request
 * child logger and serializers (docs/intake-profile.md).
 */
export function createRequestLogger(logger: Logger): RequestHandler {
  const log = logger.child({}, { serializers: { req: asIs, res: asIs } });

  function onResponseDone(this: LoggedResponse, error?: unknown): void {
    if (this[LOGGED]) return;
    this[LOGGED] = true;
    const req = this[REQUEST];
    const status = this.statusCode;
    const problem = this.locals?.problemCode;
    // A 503 nobody threw for is an answer, not a server error (an unhealthy /api/health, a database
    // that is down): a warning without a stack, like any refusal.
    const failure = error ?? this.locals?.requestError ?? (status >= 500 && status !== 503 ? new Error(`failed with status code ${status}`) : undefined);
    const line: Record<string, unknown> = {
      req: { id: this[ID], method: req.method, url: pathOf(req.originalUrl ?? req.url), remoteAddress: req.socket?.remoteAddress },
      res: { statusCode: status },
      responseTime: Date.now() - this[STARTED],
    };
    if (typeof problem === 'string') line.problem = problem;
    if (failure !== undefined) {
      line.err = failure;
      log.error(line, 'request errored');
      return;
    }
    const message = !req.readableAborted && this.writableEnded ? 'request completed' : 'request aborted';
    if (status >= 400) log.warn(line, message);
    else log.info(line, message);
  }

  return (req, res, next) => {
    const id = requestId(req);
    res.setHeader('X-Request-Id', id);
    const logged = res as unknown as LoggedResponse;
    logged[STARTED] = Date.now();
    logged[REQUEST] = req;
    logged[ID] = id;
    res.on('finish', onResponseDone);
    res.on('close', onResponseDone);
    // Also keeps an error of the response from being unhandled (it would end the process).
    res.on('error', onResponseDone);
    next();
  };
}
