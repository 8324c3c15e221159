import type { TdsCore } from '@tsh/tds-core';
import express, { type RequestHandler, type Router } from 'express';
import { requireAdminToken } from './admin-auth';
import type { ResolvedTdsExpressOptions } from './options';
import { sendProblem } from './problem';
import { withoutSecrets } from './redact-secrets';

const HEALTHY = new Set(['healthy', 'warning']);

/** GET /api/health (200 healthy/warning, 503 otherwise) and GET /metrics (Prometheus text). */
export function healthRoutes(core: TdsCore, options: ResolvedTdsExpressOptions): Router {
  const secrets = [options.webhookSecret, options.adminToken];
  const router = express.Router();

  router.get('/api/health', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    let snapshot;
    try {
      snapshot = await core.health.get();
    } catch {
      // A health check that cannot even read the health is itself the answer: unavailable.
      sendProblem(res, 503, 'health_unavailable', 'Health could not be read');
      return;
    }
    res.status(HEALTHY.has(snapshot.status) ? 200 : 503).json(withoutSecrets(snapshot, secrets));
  });

  const metrics: RequestHandler = async (_req, res) => {
    const { contentType, body } = await core.health.metrics();
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).type(contentType).send(body);
  };
  if (options.metricsRequireAuth) router.get('/metrics', requireAdminToken(options.adminToken), metrics);
  else router.get('/metrics', metrics);
  return router;
}
