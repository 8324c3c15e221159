import { VerifyInputError, type TdsCore, type VerifyOptions, type VerifyReport } from '@tsh/tds-core';
import { sampleOf, verifyEntitiesOf } from '@tsh/tds-core/internal';
import express, { type Router } from 'express';
import { singleQueryValue } from './admin-input';
import { HttpProblem } from './problem';

/** The largest sample a verify takes, as `tds verify --sample`. */
export const MAX_VERIFY_SAMPLE = 100_000;

function sampleFrom(raw: unknown): number | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,15}$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (Number.isSafeInteger(n) && n >= 1 && n <= MAX_VERIFY_SAMPLE) return n;
  const shown = JSON.stringify(raw) ?? String(raw);
  throw new HttpProblem(400, 'invalid_verify', `sample must be a whole number from 1 to ${MAX_VERIFY_SAMPLE}, got ${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown}`);
}

/**
 * Options from the JSON body ({"entities": [...], "sample": 20, "repair": true}) or the query
 * (?entities=a,b&sample=20&repair=true; entities may also be repeated, ?entities=a&entities=b).
 * sample, repair and wait take one value: repeated in the query they are 400.
 */
export function verifyOptionsOf(body: unknown, query: Record<string, unknown>): VerifyOptions & { wait: boolean } {
  const b = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const pick = (key: string) => (b[key] !== undefined ? b[key] : singleQueryValue(query, key, 'invalid_verify'));
  const listFromQuery = (key: string) => {
    const value = query[key];
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.join(',') : singleQueryValue(query, key, 'invalid_verify');
  };
  const entitiesRaw = b.entities ?? b.entity ?? listFromQuery('entities') ?? listFromQuery('entity');
  const entities =
    entitiesRaw === undefined || entitiesRaw === 'all'
      ? 'all'
      : Array.isArray(entitiesRaw) && entitiesRaw.every((e) => typeof e === 'string')
        ? (entitiesRaw as string[])
        : typeof entitiesRaw === 'string'
          ? entitiesRaw.split(',').map((e) => e.trim()).filter(Boolean)
          : null;
  if (entities === null) throw new HttpProblem(400, 'invalid_body', 'entities must be "all", a list of entity names or a comma-separated string');
  const sample = sampleFrom(pick('sample'));
  const flag = (key: string) => {
    const v = pick(key);
    if (v === undefined || v === '' || v === false || v === 'false' || v === '0') return false;
    if (v === true || v === 'true' || v === '1') return true;
    throw new HttpProblem(400, 'invalid_body', `${key} must be true or false`);
  };
  return { entities, sample, repair: flag('repair'), wait: flag('wait') };
}

/**
 * POST /api/tds/verify starts a verify (one at a time per process; 202, or 200 with the report when
 * `wait` is true), GET /api/tds/verify returns the last result (docs/verify.md). Mounted inside the
 * admin routes, behind the admin token.
 */
export function verifyRoutes(core: TdsCore, prefix: string): Router {
  const router = express.Router();
  let running: Promise<VerifyReport> | null = null;
  let last: VerifyReport | null = null;
  let lastError: string | null = null;

  router.post(`${prefix}/verify`, async (req, res) => {
    const { wait, ...options } = verifyOptionsOf(req.body, req.query);
    try {
      verifyEntitiesOf(options.entities);
      sampleOf(options.sample);
    } catch (error) {
      if (error instanceof VerifyInputError) throw new HttpProblem(400, 'invalid_verify', error.message);
      throw error;
    }
    if (running) throw new HttpProblem(409, 'verify_running', 'A verify is already running in this process: GET /api/tds/verify shows the last result');
    const run = core.verify({ ...options, trigger: 'http' });
    running = run;
    run
      .then((report) => {
        last = report;
        lastError = null;
      })
      .catch((error: unknown) => {
        lastError = error instanceof Error ? error.message : String(error);
        core.logger.error({ err: error }, 'verify failed');
      })
      .finally(() => {
        running = null;
      });
    if (!wait) {
      res.status(202).json({ started: true });
      return;
    }
    res.json(await run);
  });

  router.get(`${prefix}/verify`, async (_req, res) => {
    const result = last ?? (await core.lastVerify());
    if (result === null && !running && lastError === null) throw new HttpProblem(404, 'no_verify_run', 'No verify run yet: POST /api/tds/verify starts one');
    res.json({ running: running !== null, lastError, last: result });
  });

  return router;
}
