import { isEntityType, WEBHOOK_TOKEN_HEADER, type TdsCore } from '@tsh/tds-core';
import type { RequestHandler, Response, Router } from 'express';
import type { ResolvedTdsExpressOptions } from './options';
import { answeredParsedBody, refuseParsedBody } from './parsed-body-guard';
import { sendProblem } from './problem';
import { refuseEncodedBody, requestBody } from './webhook-body';
import { rawQuery } from './webhook-query';

export const WEBHOOK_PATH = '/api/zoho/webhooks/:entity';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The answer as JSON, written at once: no ETag (a webhook answer is never asked for again) and
 * none of res.json's host settings, which the busiest route of the router does not need.
 */
function sendJson(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', JSON_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * POST|PUT|DELETE /api/zoho/webhooks/:entity → core.webhooks.ingestStream; 202 stored, 200 duplicate.
 * The body is streamed into the core, which holds it up to `maxBodyBytes` and verifies larger
 * deliveries of records it fetches from Zoho anyway without holding them (docs/webhook-intake.md).
 * Added to the TDS router itself, ahead of its other routes and middleware, as one handler: a
 * delivery passes through nothing that is not for it (docs/intake-profile.md).
 */
export function addWebhookRoutes(router: Router, core: TdsCore, options: ResolvedTdsExpressOptions): void {
  const ingest: RequestHandler = async (req, res) => {
    if (answeredParsedBody(req, res)) return;
    const entity = req.params.entity as string;
    // Before the body is read: an unknown path is 404 whatever it carries (the core would say the same).
    if (!isEntityType(entity)) {
      sendProblem(res, 404, 'unknown_entity', `No webhook route for entity ${JSON.stringify(String(entity).slice(0, 64))}`);
      return;
    }
    refuseEncodedBody(req);
    const signature = req.headers['x-zoho-webhook-signature'];
    const token = req.headers[WEBHOOK_TOKEN_HEADER];
    const result = await core.webhooks.ingestStream({
      entity,
      method: req.method,
      query: rawQuery(req.originalUrl),
      // The exact bytes, whatever the content type: the signature is over them (the core checks the type).
      body: requestBody(req),
      maxBodyBytes: options.maxBodyBytes,
      contentType: req.headers['content-type'],
      signature: Array.isArray(signature) ? signature[0] : signature,
      token: Array.isArray(token) ? token[0] : token,
    });
    sendJson(res, result.status === 'accepted' ? 202 : 200, result);
  };
  const methodNotAllowed: RequestHandler = (_req, res) => {
    res.setHeader('Allow', 'POST, PUT, DELETE');
    sendProblem(res, 405, 'method_not_allowed', 'Webhooks are POST, PUT or DELETE');
  };

  router.route(WEBHOOK_PATH).post(ingest).put(ingest).delete(ingest).all(refuseParsedBody, methodNotAllowed);
}
