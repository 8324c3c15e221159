import { type TdsCore } from '@tsh/tds-core';
import express, { type Router } from 'express';
import { requireAdminToken } from '../admin-auth';
import { ADMIN_PREFIX } from '../admin-routes';
import type { ResolvedTdsExpressOptions } from '../options';
import { singleQueryValue } from '../admin-input';
import { HttpProblem } from '../problem';
import { withoutSecrets } from '@tsh/zoho-client/internal';

const DAY_MS = 24 * 3600 * 1000;

function wholeNumber(query: Record<string, unknown>, name: string, min: number, max: number, fallback: number): number {
  const raw = singleQueryValue(query, name);
  if (raw === undefined || raw === '') return fallback;
  const n = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new HttpProblem(400, 'invalid_query', `${name} must be a whole number from ${min} to ${max}`);
  return n;
}

/**
 * The dashboard's reads, admin-authenticated: GET /api/tds/entities, /api/tds/alerts,
 * /api/tds/heal-log, /api/tds/throughput and /api/tds/verify/runs. Each parses its query and calls one read of the facade (core.dashboard).
 */
export function dashboardReadRoutes(core: TdsCore, options: ResolvedTdsExpressOptions): Router {
  const secrets = [options.webhookSecret, options.adminToken];
  const router = express.Router();
  const auth = requireAdminToken(options.adminToken, options.adminLockout);

  router.get(`${ADMIN_PREFIX}/entities`, auth, async (_req, res) => {
    res.json(withoutSecrets({ entities: await core.dashboard.entities() }, secrets));
  });

  // Open alerts, and those resolved in the last `resolvedDays` days (default 7).
  router.get(`${ADMIN_PREFIX}/alerts`, auth, async (req, res) => {
    const days = wholeNumber(req.query, 'resolvedDays', 0, 90, 7);
    const limit = wholeNumber(req.query, 'limit', 1, 1000, 200);
    const alerts = await core.dashboard.alerts({ resolvedSince: new Date(Date.now() - days * DAY_MS), limit });
    res.json(
      withoutSecrets({ open: alerts.filter((a) => a.resolved_at === null), resolved: alerts.filter((a) => a.resolved_at !== null) }, secrets),
    );
  });

  router.get(`${ADMIN_PREFIX}/heal-log`, auth, async (req, res) => {
    const limit = wholeNumber(req.query, 'limit', 1, 1000, 50);
    const includeNoopsRaw = singleQueryValue(req.query, 'includeNoops');
    const includeNoops = includeNoopsRaw === 'true' || includeNoopsRaw === '1';
    res.json(withoutSecrets({ actions: await core.dashboard.healLog({ limit, includeNoops }) }, secrets));
  });

  router.get(`${ADMIN_PREFIX}/throughput`, auth, async (req, res) => {
    const minutes = wholeNumber(req.query, 'minutes', 1, 1440, 60);
    res.json({ minutes: await core.dashboard.throughput(minutes) });
  });

  // The Verify view: the latest recorded verify runs (drift by entity and column) and the 24 h verified reliability.
  router.get(`${ADMIN_PREFIX}/verify/runs`, auth, async (req, res) => {
    const limit = wholeNumber(req.query, 'limit', 1, 200, 20);
    const [runs, reliability] = await Promise.all([core.dashboard.verifyRuns(limit), core.verifiedReliability(24)]);
    res.json(withoutSecrets({ runs, reliability }, secrets));
  });

  return router;
}
