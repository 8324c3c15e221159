import type { TdsCore } from '@tsh/tds-core';
import express, { type Router } from 'express';
import { adminRoutes } from './admin-routes';
import { forwardAsyncErrors } from './async-errors';
import { DEFAULT_EVENTS_INTERVAL_MS, dashboardReadRoutes, dashboardStaticRoutes, eventRoutes } from './dashboard';
import { problemErrorHandler } from './error-handler';
import { healthRoutes } from './health-routes';
import { createOpenStreams, trackOpenStreams } from './open-streams';
import { resolveTdsExpressOptions, type TdsExpressOptions } from './options';
import { refuseParsedBody } from './parsed-body-guard';
import { sendProblem } from './problem';
import { addWebhookRoutes } from './webhook-routes';

/** The TDS routes, and how to end what would hold a host's `server.close()` open. */
export interface TdsRouter extends Router {
  /**
   * Ends the router's open event streams (dashboard live view, change feed) now and refuses new
   * ones, so that the host's `server.close()` is not held open by them. Call it before
   * `server.close()`, then close the core (docs/embedding.md).
   */
  close(): void;
}

/**
 * Every TDS route on one Express Router: webhooks, health, metrics, the admin API (with the
 * dashboard's reads and live events) and, with `dashboard`, the dashboard at /tds. Throws
 * TdsExpressConfigError at construction without a webhook secret or an admin token. Mount it at
 * the root of an app or under any prefix (`app.use('/erp', router)`: /erp/api/health, /erp/tds/…),
 * before any body parser of the host's (docs/embedding.md). Works on Express 4 and 5.
 */
export function createTdsRouter(core: TdsCore, options: TdsExpressOptions): TdsRouter {
  const resolved = resolveTdsExpressOptions(options);
  const router = express.Router();
  const streams = createOpenStreams();
  // The webhook routes first: a delivery passes through none of the other routes' middleware.
  addWebhookRoutes(router, core, resolved);
  router.use(trackOpenStreams(streams));
  router.use('/api/zoho/webhooks', refuseParsedBody);
  router.use(healthRoutes(core, resolved));
  // The dashboard's reads and live events go before the admin router, whose catch-all answers 404 under /api/tds.
  router.use(dashboardReadRoutes(core, resolved), eventRoutes(core, resolved, options.eventsIntervalMs ?? DEFAULT_EVENTS_INTERVAL_MS));
  router.use(adminRoutes(core, resolved));
  if (options.dashboard) router.use(dashboardStaticRoutes(options.dashboard === true ? {} : options.dashboard));
  // Paths under the webhook prefix that are not a webhook route are ours to answer.
  router.use('/api/zoho/webhooks', (req, res) => sendProblem(res, 404, 'not_found', `No webhook route for ${req.method} ${req.originalUrl.split('?')[0]}`));
  router.use(problemErrorHandler());
  forwardAsyncErrors(router);
  return Object.assign(router, { close: () => streams.closeAll() });
}
