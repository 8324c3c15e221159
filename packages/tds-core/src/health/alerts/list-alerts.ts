import { sql, type Kysely } from 'kysely';
import type { AlertLevel, Database, JsonValue } from '../../db/schema';
import type { StoredAlert } from './types';

/** Open alerts (or also those resolved since `since`), worst and newest first. */
export async function listAlerts(
  db: Kysely<Database>,
  options: { includeResolvedSince?: Date; limit?: number } = {},
): Promise<StoredAlert[]> {
  const limit = Math.min(Math.max(1, Math.floor(options.limit ?? 100)), 1000);
  const since = options.includeResolvedSince ?? null;
  const { rows } = await sql<{ id: string; code: string; level: AlertLevel; message: string; details: JsonValue | null; created_at: Date; resolved_at: Date | null }>`
SELECT id::text AS id, code, level, message, details, created_at, resolved_at
FROM tds_alerts
WHERE resolved_at IS NULL OR (${since}::timestamptz IS NOT NULL AND resolved_at >= ${since}::timestamptz)
ORDER BY (resolved_at IS NULL) DESC,
  CASE level WHEN 'emergency' THEN 3 WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END DESC,
  created_at DESC, id DESC
LIMIT ${limit}`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    severity: r.level,
    message: r.message,
    ...alertDetails(r.details),
    created_at: r.created_at,
    resolved_at: r.resolved_at,
  }));
}

/** component / remediation / evidence out of an alert's details column (tolerant of other shapes). */
export function alertDetails(details: JsonValue | null): { component: string | null; remediation: string | null; evidence: string[] } {
  const d = details !== null && typeof details === 'object' && !Array.isArray(details) ? details : {};
  return {
    component: typeof d.component === 'string' ? d.component : null,
    remediation: typeof d.remediation === 'string' ? d.remediation : null,
    evidence: Array.isArray(d.evidence) ? d.evidence.filter((e): e is string => typeof e === 'string') : [],
  };
}
