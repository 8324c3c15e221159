import type { Request, RequestHandler, Response } from 'express';
import { sendProblem } from './problem';

/**
 * Webhook signatures are over the exact bytes of the body. A body parser the host placed before
 * the TDS router (express.json(), express.urlencoded(), …) has read those bytes already, and every
 * delivery would fail its signature check as if forged. That is the host's wiring, not the
 * sender's fault: answer 500 naming the fix instead of a misleading 401 (docs/embedding.md).
 * Returns whether it answered.
 */
export function answeredParsedBody(req: Request, res: Response): boolean {
  const consumed = req.readableEnded || (req.complete && !req.readable) || (req as { _body?: unknown })._body === true;
  if (!consumed) return false;
  sendProblem(
    res,
    500,
    'body_already_parsed',
    'The request body was read by a body parser (express.json(), express.urlencoded() or similar) before the TDS router, ' +
      'so the webhook signature cannot be checked: mount the TDS router before your body parsers, or give them only to your own routes',
  );
  return true;
}

/** answeredParsedBody as a middleware, for the paths under the webhook prefix that no webhook route takes. */
export const refuseParsedBody: RequestHandler = (req, res, next) => {
  if (!answeredParsedBody(req, res)) next();
};
