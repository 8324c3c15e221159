import type { TdsCore } from '@tsh/tds-core';
import express, { type Express } from 'express';
import { createTdsRouter } from './create-tds-router';
import { notFoundHandler, problemErrorHandler } from './error-handler';
import { resolveTdsExpressOptions, type TdsExpressOptions } from './options';
import { createRequestLogger } from './request-log';

/** A ready Express app: request log, the TDS router, JSON 404 for everything else, no stack traces. */
export function createTdsApp(core: TdsCore, options: TdsExpressOptions): Express {
  const resolved = resolveTdsExpressOptions(options);
  const app = express();
  app.disable('x-powered-by');
  app.use(createRequestLogger(resolved.logger ?? core.logger));
  app.use(createTdsRouter(core, options));
  app.use(notFoundHandler());
  app.use(problemErrorHandler());
  return app;
}
