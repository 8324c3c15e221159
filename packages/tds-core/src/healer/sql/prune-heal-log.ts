import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/** Forgets heal actions older than `days`: the healer logs every run, no-ops included. */
export async function pruneHealLog(db: Kysely<Database>, days: number): Promise<number> {
  const result = await sql`DELETE FROM tds_heal_log WHERE created_at < now() - ${days}::float8 * interval '1 day'`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
