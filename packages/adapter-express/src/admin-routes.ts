import type { TdsCore } from '@tsh/tds-core';
import express, { type Router } from 'express';
import { requireAdminToken } from './admin-auth';
import { adminBody } from './admin-body';
import { deadLetterFilter, deadLetterId, resolutionNote, syncOptions, syncTarget } from './admin-input';
import type { ResolvedTdsExpressOptions } from './options';
import { HttpProblem, sendProblem } from './problem';
import { withoutSecrets } from '@tsh/zoho-client/internal';
import { verifyRoutes } from './verify-routes';
import { changesRoutes } from './changes-routes';

export const ADMIN_PREFIX = '/api/tds';

const RUN_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The admin API under /api/tds, behind the bearer token. */
export function adminRoutes(core: TdsCore, options: ResolvedTdsExpressOptions): Router {
  const secrets = [options.webhookSecret, options.adminToken];
  const router = express.Router();
  router.use(ADMIN_PREFIX, requireAdminToken(options.adminToken, options.adminLockout), ...adminBody());

  router.get(`${ADMIN_PREFIX}/queue`, async (_req, res) => {
    res.json(await core.queue.status());
  });

  router.get(`${ADMIN_PREFIX}/dlq`, async (req, res) => {
    res.json({ items: await core.dlq.list(deadLetterFilter(req.query)) });
  });

  router.post(`${ADMIN_PREFIX}/dlq/:id/retry`, async (req, res) => {
    const id = deadLetterId(req.params.id, true);
    const result = await core.dlq.retry(id);
    if (id !== 'all' && result.retried === 0) throw new HttpProblem(404, 'dead_letter_not_found', `No open dead letter with id ${id}`);
    res.json(result);
  });

  router.post(`${ADMIN_PREFIX}/dlq/:id/resolve`, async (req, res) => {
    const id = deadLetterId(req.params.id, false);
    const note = resolutionNote(req.body);
    const result = await core.dlq.resolve(id, note);
    if (!result.resolved) throw new HttpProblem(404, 'dead_letter_not_found', `No open dead letter with id ${id}`);
    res.json(result);
  });

  router.post(`${ADMIN_PREFIX}/sync/:entity`, async (req, res) => {
    const entities = syncTarget(req.params.entity);
    const { runId } = await core.sync.start(entities, syncOptions(req.body, req.query));
    res.setHeader('Location', `${req.baseUrl}${ADMIN_PREFIX}/sync/runs/${encodeURIComponent(runId)}`);
    res.status(202).json({ runId });
  });

  router.get(`${ADMIN_PREFIX}/sync/runs/:id`, async (req, res) => {
    const id = req.params.id;
    const run = RUN_ID.test(id) ? await core.sync.getRun(id) : null;
    if (run === null) throw new HttpProblem(404, 'run_not_found', 'No sync run with that id');
    res.json(run);
  });

  router.get(`${ADMIN_PREFIX}/report`, async (req, res) => {
    const type = req.accepts(['text/plain', 'application/json']);
    if (type === false) {
      sendProblem(res, 406, 'not_acceptable', 'The report is available as text/plain or application/json');
      return;
    }
    if (type === 'application/json') {
      res.json(withoutSecrets(await core.health.report('json'), secrets));
      return;
    }
    const report = await core.health.report('text');
    const body = typeof report === 'string' ? report : JSON.stringify(report, null, 2);
    res.type('text/plain').send(withoutSecrets(body, secrets));
  });

  router.use(verifyRoutes(core, ADMIN_PREFIX));
  router.use(changesRoutes(core, ADMIN_PREFIX));

  router.use(ADMIN_PREFIX, (req, res) => sendProblem(res, 404, 'not_found', `No admin route for ${req.method} ${req.originalUrl.split('?')[0]}`));
  return router;
}
