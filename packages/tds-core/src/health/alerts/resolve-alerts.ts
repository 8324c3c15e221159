import { sql, type Kysely } from 'kysely';
import type { AlertLevel, Database, JsonValue } from '../../db/schema';

export interface ResolvedAlert {
  id: string;
  code: string;
  level: AlertLevel;
  message: string;
  details: JsonValue | null;
  created_at: Date;
  resolved_at: Date;
}

/**
 * Closes the open alerts of the given codes or code prefixes whose condition is no longer present
 * (`stillActive`), in one statement; returns what it closed.
 */
export async function resolveClearedAlerts(
  db: Kysely<Database>,
  scope: { codes: readonly string[]; prefixes?: readonly string[] },
  stillActive: readonly string[],
): Promise<ResolvedAlert[]> {
  const patterns = (scope.prefixes ?? []).map((p) => `${p.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const { rows } = await sql<ResolvedAlert>`
UPDATE tds_alerts SET resolved_at = now()
WHERE resolved_at IS NULL
  AND (code = ANY(${[...scope.codes]}::text[]) OR code LIKE ANY(${patterns}::text[]))
  AND NOT (code = ANY(${[...stillActive]}::text[]))
RETURNING id::text AS id, code, level, message, details, created_at, resolved_at`.execute(db);
  return rows;
}

/** Closes the open alert of one code (a condition its raiser saw clear); null when none was open. */
export async function resolveAlert(db: Kysely<Database>, code: string): Promise<ResolvedAlert | null> {
  const { rows } = await sql<ResolvedAlert>`
UPDATE tds_alerts SET resolved_at = now()
WHERE resolved_at IS NULL AND code = ${code}
RETURNING id::text AS id, code, level, message, details, created_at, resolved_at`.execute(db);
  return rows[0] ?? null;
}
