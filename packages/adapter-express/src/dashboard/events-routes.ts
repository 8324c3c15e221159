import type { SyncJob, TdsCore } from '@tsh/tds-core';
import express, { type Router } from 'express';
import { requireAdminToken } from '../admin-auth';
import { ADMIN_PREFIX } from '../admin-routes';
import type { ResolvedTdsExpressOptions } from '../options';
import { HttpProblem } from '../problem';
import { withoutSecrets } from '@tsh/zoho-client/internal';
import { openEventStream } from './event-stream';
import { readLiveSnapshot } from './live-snapshot';
import { createSnapshotHub } from './snapshot-hub';

const RUN_ID = /^[A-Za-z0-9_-]{1,128}$/;
const RUN_POLL_MS = 500;

/**
 * Server-Sent Events behind the admin token (sent as a header: clients read the stream with
 * fetch, since EventSource cannot send one):
 * - GET /api/tds/events: `snapshot` every interval (health, queue, last hour), `problem` when it cannot be read;
 * - GET /api/tds/sync/runs/:id/events: `run` on each change of a background sync run, until it finishes.
 */
export function eventRoutes(core: TdsCore, options: ResolvedTdsExpressOptions, intervalMs: number): Router {
  const secrets = [options.webhookSecret, options.adminToken];
  const router = express.Router();
  const auth = requireAdminToken(options.adminToken, options.adminLockout);
  const stream = { retryMs: intervalMs, checkEveryMs: Math.min(intervalMs, 1000) };
  const hub = createSnapshotHub(
    () => readLiveSnapshot(core, secrets),
    intervalMs,
    (error) => {
      core.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'dashboard snapshot could not be read');
      return 'The live snapshot could not be read; retrying';
    },
  );

  router.get(`${ADMIN_PREFIX}/events`, auth, (req, res) => {
    const events = openEventStream(req, res, stream);
    events.onClose(hub.subscribe((message) => events.send(message.event, message.data)));
  });

  router.get(`${ADMIN_PREFIX}/sync/runs/:id/events`, auth, async (req, res) => {
    const id = String(req.params.id);
    const first = RUN_ID.test(id) ? await core.sync.getRun(id) : null;
    if (first === null) throw new HttpProblem(404, 'run_not_found', 'No sync run with that id');
    const events = openEventStream(req, res, stream);
    let last = '';
    const emit = (run: SyncJob) => {
      const data = withoutSecrets({ ...run }, secrets);
      const text = JSON.stringify(data);
      if (text !== last) events.send('run', data);
      last = text;
      if (run.status !== 'running') events.close();
    };
    emit(first);
    const timer = setInterval(() => {
      core.sync
        .getRun(id)
        .then((run) => (run === null ? events.close() : emit(run)))
        .catch(() => events.close());
    }, RUN_POLL_MS);
    timer.unref();
    events.onClose(() => clearInterval(timer));
  });

  return router;
}
