import { sql, type Kysely } from 'kysely';
import type { Database, HealOutcome, JsonValue } from '../../db/schema';

export interface HealLogEntry {
  id: string;
  action: string;
  target: string | null;
  outcome: HealOutcome;
  details: JsonValue | null;
  created_at: Date;
}

/** Heal actions, newest first; no-ops left out unless asked for. */
export async function listHealActions(
  db: Kysely<Database>,
  options: { since?: Date; limit?: number; includeNoops?: boolean } = {},
): Promise<HealLogEntry[]> {
  const limit = Math.min(Math.max(1, Math.floor(options.limit ?? 20)), 1000);
  const { rows } = await sql<HealLogEntry>`
SELECT id::text AS id, action, target, outcome, details, created_at
FROM tds_heal_log
WHERE (${options.since ?? null}::timestamptz IS NULL OR created_at >= ${options.since ?? null}::timestamptz)
  AND (${options.includeNoops ?? false} OR outcome <> 'noop')
ORDER BY created_at DESC, id DESC
LIMIT ${limit}`.execute(db);
  return rows;
}
