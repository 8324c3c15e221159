import { sql, type Kysely } from 'kysely';
import type { Database, HealOutcome } from '../../db/schema';

export interface HealActionInput {
  action: string;
  target?: string | null;
  outcome: HealOutcome;
  details?: Record<string, unknown>;
}

/** One row of tds_heal_log: what the healer did and how it went. */
export async function recordHealAction(db: Kysely<Database>, input: HealActionInput): Promise<string> {
  const { rows } = await sql<{ id: string }>`
INSERT INTO tds_heal_log (action, target, outcome, details)
VALUES (${input.action}, ${input.target ?? null}, ${input.outcome}, ${JSON.stringify(input.details ?? {})}::jsonb)
RETURNING id::text AS id`.execute(db);
  return rows[0].id;
}
