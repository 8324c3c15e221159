import { sql, type Kysely } from 'kysely';
import type { AlertLevel, Database } from '../../db/schema';
import type { HealthFinding } from '../types';

export interface UpsertedAlert {
  id: string;
  code: string;
  level: AlertLevel;
  created_at: Date;
  inserted: boolean;
  previous_level: AlertLevel | null;
}

/**
 * Opens one alert per condition code (the partial unique index keeps one open row per code across
 * every process), or refreshes the open one's level and message. Rows whose level and message are
 * unchanged are left alone and not returned, so only news comes back.
 */
export async function upsertAlerts(db: Kysely<Database>, findings: readonly HealthFinding[]): Promise<UpsertedAlert[]> {
  if (findings.length === 0) return [];
  const unique = [...new Map(findings.map((f) => [f.code, f])).values()];
  const { rows } = await sql<UpsertedAlert>`
WITH input AS (
  SELECT * FROM unnest(
    ${unique.map((f) => f.code)}::text[],
    ${unique.map((f) => f.severity)}::text[],
    ${unique.map((f) => f.problem)}::text[],
    ${unique.map((f) => JSON.stringify({ component: f.component, evidence: f.evidence, remediation: f.remediation }))}::jsonb[]
  ) AS i(code, level, message, details)
),
previous AS (
  SELECT code, level FROM tds_alerts WHERE resolved_at IS NULL AND code IN (SELECT code FROM input)
),
upserted AS (
  INSERT INTO tds_alerts AS a (level, code, message, details)
  SELECT level, code, message, details FROM input ORDER BY code
  ON CONFLICT (code) WHERE resolved_at IS NULL DO UPDATE SET
    level = excluded.level, message = excluded.message, details = excluded.details
  WHERE a.level IS DISTINCT FROM excluded.level OR a.message IS DISTINCT FROM excluded.message
  RETURNING a.id, a.code, a.level, a.created_at, (a.xmax = 0) AS inserted
)
SELECT u.id::text AS id, u.code, u.level, u.created_at, u.inserted, p.level AS previous_level
FROM upserted u LEFT JOIN previous p ON p.code = u.code`.execute(db);
  return rows;
}
