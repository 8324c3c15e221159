import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { VerifyReport } from './types';

const INSUFFICIENT_PRIVILEGE = '42501';
const UNDEFINED_TABLE = '42P01';

export function totalsOf(report: VerifyReport) {
  const sum = (pick: (e: VerifyReport['entities'][number]) => number) => report.entities.reduce((n, e) => n + pick(e), 0);
  return {
    checked: sum((e) => e.checked),
    matching: sum((e) => e.matching),
    drifted: sum((e) => e.drifted.length),
    missing: sum((e) => e.missing.length),
    extra: sum((e) => e.extra.length),
    repaired: sum((e) => e.repaired.length),
  };
}

/**
 * Stores the run in tds_verify_runs. A read-only role (verify's default mode needs SELECT only)
 * may not insert: then the run is not recorded, the reason is returned, and the report stands.
 */
export async function recordVerifyRun(
  db: Kysely<Database>,
  organizationId: string | null,
  trigger: string,
  report: VerifyReport,
): Promise<{ runId: string } | { runId: null; note: string }> {
  const t = totalsOf(report);
  try {
    const { rows } = await sql<{ id: string }>`
INSERT INTO tds_verify_runs (organization_id, trigger, sample, repair, ok, checked, matching, drifted, missing, extra, repaired, requests, report, started_at, finished_at)
VALUES (${organizationId}, ${trigger}, ${report.sample}, ${report.repair}, ${report.ok}, ${t.checked}, ${t.matching}, ${t.drifted}, ${t.missing}, ${t.extra},
        ${t.repaired}, ${report.requests}, ${JSON.stringify({ ...report, runId: undefined })}::jsonb, ${report.startedAt}, ${report.finishedAt})
RETURNING id::text AS id`.execute(db);
    return { runId: rows[0].id };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === INSUFFICIENT_PRIVILEGE) return { runId: null, note: 'this run was not recorded: the database role may not write tds_verify_runs (read-only connection)' };
    if (code === UNDEFINED_TABLE) return { runId: null, note: 'this run was not recorded: tds_verify_runs does not exist yet (run `tds migrate`)' };
    throw error;
  }
}

/** The last recorded run's report, or null. */
export async function readLastVerifyRun(db: Kysely<Database>): Promise<(Record<string, unknown> & { runId: string }) | null> {
  const { rows } = await sql<{ id: string; report: Record<string, unknown> }>`
SELECT id::text AS id, report FROM tds_verify_runs ORDER BY finished_at DESC, id DESC LIMIT 1`.execute(db);
  return rows[0] ? { ...rows[0].report, runId: rows[0].id } : null;
}

export interface VerifiedReliability {
  /** matching / checked over the window, as a fraction (null when nothing was checked). */
  ratio: number | null;
  checked: number;
  matching: number;
  /** Records found different, by kind, over the same runs. */
  drifted: number;
  missing: number;
  extra: number;
  runs: number;
  windowHours: number;
  lastRunAt: Date | null;
}

/** "Verified reliability": matching / checked over every verify run that finished in the window (default 24 h). */
export async function readVerifiedReliability(db: Kysely<Database>, windowHours = 24): Promise<VerifiedReliability> {
  const { rows } = await sql<{ checked: string; matching: string; drifted: string; missing: string; extra: string; runs: string; last: Date | null }>`
SELECT coalesce(sum(checked), 0)::text AS checked, coalesce(sum(matching), 0)::text AS matching, coalesce(sum(drifted), 0)::text AS drifted,
       coalesce(sum(missing), 0)::text AS missing, coalesce(sum(extra), 0)::text AS extra, count(*)::text AS runs, max(finished_at) AS last
FROM tds_verify_runs WHERE finished_at > now() - make_interval(hours => ${windowHours})`.execute(db);
  const n = (key: 'checked' | 'matching' | 'drifted' | 'missing' | 'extra' | 'runs') => Number(rows[0]?.[key] ?? 0);
  const checked = n('checked');
  const matching = n('matching');
  return {
    ratio: checked > 0 ? matching / checked : null,
    checked,
    matching,
    drifted: n('drifted'),
    missing: n('missing'),
    extra: n('extra'),
    runs: n('runs'),
    windowHours,
    lastRunAt: rows[0]?.last ?? null,
  };
}

/** One recorded run as the dashboard lists it: totals, and per entity what differed (columns named, values left to the report). */
export interface VerifyRunSummary {
  id: string;
  trigger: string;
  sample: number | null;
  repair: boolean;
  ok: boolean;
  checked: number;
  matching: number;
  drifted: number;
  missing: number;
  extra: number;
  repaired: number;
  requests: number;
  started_at: string;
  finished_at: string;
  notes: string[];
  entities: Array<{
    entity: string;
    checked: number;
    matching: number;
    complete: boolean;
    drifted: Array<{ zoho_id: string; columns: Array<{ column: string; stored: unknown; zoho: unknown }> }>;
    missing: string[];
    extra: string[];
    unrepaired: string[];
  }>;
}

const MAX_IDS_PER_LIST = 50;

/** The latest recorded runs, newest first; each entity's lists are cut to 50 ids so a bad day stays readable. */
export async function listVerifyRuns(db: Kysely<Database>, limit = 20): Promise<VerifyRunSummary[]> {
  const { rows } = await sql<{
    id: string; trigger: string; sample: number | null; repair: boolean; ok: boolean; checked: number; matching: number; drifted: number;
    missing: number; extra: number; repaired: number; requests: number; started_at: Date; finished_at: Date; report: Record<string, unknown>;
  }>`
SELECT id::text AS id, trigger, sample, repair, ok, checked, matching, drifted, missing, extra, repaired, requests, started_at, finished_at, report
FROM tds_verify_runs ORDER BY finished_at DESC, id DESC LIMIT ${limit}`.execute(db);
  return rows.map(({ report, started_at, finished_at, ...row }) => {
    const entities = Array.isArray(report.entities) ? (report.entities as VerifyReport['entities']) : [];
    return {
      ...row,
      started_at: started_at.toISOString(),
      finished_at: finished_at.toISOString(),
      notes: Array.isArray(report.notes) ? (report.notes as string[]) : [],
      entities: entities.map((e) => ({
        entity: e.entity,
        checked: e.checked,
        matching: e.matching,
        complete: e.complete,
        drifted: e.drifted.slice(0, MAX_IDS_PER_LIST),
        missing: e.missing.slice(0, MAX_IDS_PER_LIST),
        extra: e.extra.slice(0, MAX_IDS_PER_LIST),
        unrepaired: (e.unrepaired ?? []).slice(0, MAX_IDS_PER_LIST),
      })),
    };
  });
}
