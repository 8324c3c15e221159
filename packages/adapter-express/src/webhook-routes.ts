import { isEntityType, WEBHOOK_TOKEN_HEADER, type TdsCore } from '@tsh/tds-core';
import express, { type RequestHandler, type Router } from 'express';
import type { ResolvedTdsExpressOptions } from './options';
import { sendProblem } from './problem';
import { refuseEncodedBody, requestBody } from './webhook-body';
import { rawQuery } from './webhook-query';

export const WEBHOOK_PATH = '/api/zoho/webhooks/:entity';

// Before the body is read: an unknown path is 404 whatever it carries (the core would say the same).
const knownEntity: RequestHandler = (req, res, next) => {
  if (isEntityType(req.params.entity)) next();
  else sendProblem(res, 404, 'unknown_entity', `No webhook route for entity ${JSON.stringify(String(req.params.entity).slice(0, 64))}`);
};

/**
 * POST|PUT|DELETE /api/zoho/webhooks/:entity → core.webhooks.ingestStream; 202 stored, 200 duplicate.
 * The body is streamed into the core, which holds it up to `maxBodyBytes` and verifies larger
 * deliveries of records it fetches from Zoho anyway without holding them (docs/webhook-intake.md).
 */
export function webhookRoutes(core: TdsCore, options: ResolvedTdsExpressOptions): Router {
  const ingest: RequestHandler = async (req, res) => {
    refuseEncodedBody(req);
    const signature = req.headers['x-zoho-webhook-signature'];
    const token = req.headers[WEBHOOK_TOKEN_HEADER];
    const result = await core.webhooks.ingestStream({
      entity: req.params.entity as string,
      method: req.method,
      query: rawQuery(req.originalUrl),
      // The exact bytes, whatever the content type: the signature is over them (the core checks the type).
      body: requestBody(req),
      maxBodyBytes: options.maxBodyBytes,
      contentType: req.headers['content-type'],
      signature: Array.isArray(signature) ? signature[0] : signature,
      token: Array.isArray(token) ? token[0] : token,
    });
    res.status(result.status === 'accepted' ? 202 : 200).json(result);
  };
  const methodNotAllowed: RequestHandler = (_req, res) => {
    res.setHeader('Allow', 'POST, PUT, DELETE');
    sendProblem(res, 405, 'method_not_allowed', 'Webhooks are POST, PUT or DELETE');
  };

  const router = express.Router();
  router
    .route(WEBHOOK_PATH)
    .post(knownEntity, ingest)
    .put(knownEntity, ingest)
    .delete(knownEntity, ingest)
    .all(methodNotAllowed);
  return router;
}
