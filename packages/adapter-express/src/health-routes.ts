import type { TdsCore } from '@tsh/tds-core';
import express, { type RequestHandler, type Router } from 'express';
import { requireAdminToken } from './admin-auth';
import type { ResolvedTdsExpressOptions } from './options';
import { sendProblem } from './problem';
import { withoutSecrets } from '@tsh/zoho-client/internal';

const HEALTHY = new Set(['healthy', 'warning']);

/**
 * What anyone may read without the admin token: enough for a load balancer or a container
 * health check (the status, and how fresh the data is), nothing that identifies the
 * organization or quotes an error (docs/hardening.md).
 */
function anonymousView(snapshot: Record<string, unknown>): Record<string, unknown> {
  return { status: snapshot.status, checked_at: snapshot.checked_at, last_sync_timestamps: snapshot.last_sync_timestamps };
}

/**
 * GET /api/health (200 healthy/warning, 503 otherwise): status and timestamps for anyone, the
 * full reading with the admin token. GET /metrics (Prometheus text): admin token unless
 * metricsRequireAuth is false. Both read the core's shared health snapshot, so their cost does
 * not grow with the request rate.
 */
export function healthRoutes(core: TdsCore, options: ResolvedTdsExpressOptions): Router {
  const secrets = [options.webhookSecret, options.adminToken];
  const router = express.Router();
  const admin = requireAdminToken(options.adminToken, options.adminLockout);

  const health =
    (detailed: boolean): RequestHandler =>
    async (_req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      let snapshot;
      try {
        snapshot = await core.health.get();
      } catch {
        // A health check that cannot even read the health is itself the answer: unavailable.
        sendProblem(res, 503, 'health_unavailable', 'Health could not be read');
        return;
      }
      res.status(HEALTHY.has(snapshot.status) ? 200 : 503).json(detailed ? withoutSecrets(snapshot, secrets) : anonymousView(snapshot));
    };
  // A request that presents a token has it checked (403 when wrong) and gets the details.
  router.get('/api/health', (req, res, next) => (req.headers.authorization === undefined ? health(false)(req, res, next) : admin(req, res, () => health(true)(req, res, next))));

  const metrics: RequestHandler = async (_req, res) => {
    const { contentType, body } = await core.health.metrics();
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).type(contentType).send(body);
  };
  if (options.metricsRequireAuth) router.get('/metrics', admin, metrics);
  else router.get('/metrics', metrics);
  return router;
}
