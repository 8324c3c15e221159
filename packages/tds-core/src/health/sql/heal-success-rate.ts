import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export interface HealSuccessRate {
  success: number;
  failure: number;
  noop: number;
  /** success ÷ (success + failure); null when nothing needed healing. No-ops do not count. */
  rate: number | null;
}

/** The auto-healing success rate of the actions logged since `since`. */
export async function healSuccessRate(db: Kysely<Database>, since: Date): Promise<HealSuccessRate> {
  const { rows } = await sql<{ success: string; failure: string; noop: string }>`
SELECT
  count(*) FILTER (WHERE outcome = 'success') AS success,
  count(*) FILTER (WHERE outcome = 'failure') AS failure,
  count(*) FILTER (WHERE outcome = 'noop') AS noop
FROM tds_heal_log
WHERE created_at >= ${since}`.execute(db);
  const success = Number(rows[0].success);
  const failure = Number(rows[0].failure);
  return { success, failure, noop: Number(rows[0].noop), rate: success + failure === 0 ? null : success / (success + failure) };
}
