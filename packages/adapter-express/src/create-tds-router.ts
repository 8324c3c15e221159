import type { TdsCore } from '@tsh/tds-core';
import express, { type Router } from 'express';
import { adminRoutes } from './admin-routes';
import { DEFAULT_EVENTS_INTERVAL_MS, dashboardReadRoutes, dashboardStaticRoutes, eventRoutes } from './dashboard';
import { problemErrorHandler } from './error-handler';
import { healthRoutes } from './health-routes';
import { resolveTdsExpressOptions, type TdsExpressOptions } from './options';
import { sendProblem } from './problem';
import { webhookRoutes } from './webhook-routes';

/**
 * Every TDS route on one Express Router: webhooks, health, metrics, the admin API (with the
 * dashboard's reads and live events) and, with `dashboard`, the dashboard at /tds. Throws
 * TdsExpressConfigError at construction without a webhook secret or an admin token. Mount it
 * at the root of an app (paths are absolute: /api/zoho/webhooks/…, /api/health, /metrics, /api/tds/…).
 */
export function createTdsRouter(core: TdsCore, options: TdsExpressOptions): Router {
  const resolved = resolveTdsExpressOptions(options);
  const router = express.Router();
  router.use(webhookRoutes(core, resolved));
  router.use(healthRoutes(core, resolved));
  // The dashboard's reads and live events go before the admin router, whose catch-all answers 404 under /api/tds.
  router.use(dashboardReadRoutes(core, resolved), eventRoutes(core, resolved, options.eventsIntervalMs ?? DEFAULT_EVENTS_INTERVAL_MS));
  router.use(adminRoutes(core, resolved));
  if (options.dashboard) router.use(dashboardStaticRoutes(options.dashboard === true ? {} : options.dashboard));
  // Paths under the webhook prefix that are not a webhook route are ours to answer.
  router.use('/api/zoho/webhooks', (req, res) => sendProblem(res, 404, 'not_found', `No webhook route for ${req.method} ${req.originalUrl.split('?')[0]}`));
  router.use(problemErrorHandler());
  return router;
}
