import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

interface SerializedReq {
  id?: unknown;
  method?: unknown;
  url?: unknown;
  remoteAddress?: unknown;
}

/**
 * One JSON line per request. The request is logged from an allow-list (id, method, path, remote
 * address): headers (Authorization, X-Zoho-Webhook-Signature, cookies), query and body never
 * reach the log, so no secret can, whatever logger is passed in.
 */
export function createRequestLogger(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: SerializedReq) => ({
        id: req.id,
        method: req.method,
        url: typeof req.url === 'string' ? req.url.split('?')[0] : undefined,
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode?: unknown }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customProps: (_req, res) => {
      const code = (res as ServerResponse & { locals?: Record<string, unknown> }).locals?.problemCode;
      return typeof code === 'string' ? { problem: code } : {};
    },
  });
}
