import { isEntityType, type TdsCore } from '@tsh/tds-core';
import express, { type RequestHandler, type Router } from 'express';
import type { ResolvedTdsExpressOptions } from './options';
import { sendProblem } from './problem';
import { rawQuery } from './webhook-query';

export const WEBHOOK_PATH = '/api/zoho/webhooks/:entity';

// Before the body is read: an unknown path is 404 whatever it carries (the core would say the same).
const knownEntity: RequestHandler = (req, res, next) => {
  if (isEntityType(req.params.entity)) next();
  else sendProblem(res, 404, 'unknown_entity', `No webhook route for entity ${JSON.stringify(String(req.params.entity).slice(0, 64))}`);
};

/** POST|PUT|DELETE /api/zoho/webhooks/:entity → core.webhooks.ingest; 202 stored, 200 duplicate. */
export function webhookRoutes(core: TdsCore, options: ResolvedTdsExpressOptions): Router {
  // The exact bytes, whatever the content type: the signature is over them (the core checks the type).
  const rawBody = express.raw({ type: () => true, limit: options.maxBodyBytes, inflate: false });
  const ingest: RequestHandler = async (req, res) => {
    const signature = req.headers['x-zoho-webhook-signature'];
    const result = await core.webhooks.ingest({
      entity: req.params.entity as string,
      method: req.method,
      query: rawQuery(req.originalUrl),
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      contentType: req.headers['content-type'],
      signature: Array.isArray(signature) ? signature[0] : signature,
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
    .post(knownEntity, rawBody, ingest)
    .put(knownEntity, rawBody, ingest)
    .delete(knownEntity, rawBody, ingest)
    .all(methodNotAllowed);
  return router;
}
