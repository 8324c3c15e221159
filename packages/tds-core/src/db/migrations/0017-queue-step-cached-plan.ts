import { sql, type Kysely } from 'kysely';
import { QUEUE_STEP_BODY, QUEUE_STEP_SETTINGS } from './0014-queue-step';

/**
 * tds_queue_step (0014) with its plan kept for the session (docs/queue-speed.md, "The step's plan"):
 * the same statement, now run by PL/pgSQL (RETURN QUERY), whose statements are prepared once per
 * session, instead of a SQL function, whose body PostgreSQL 15 parses and plans again on every
 * call. plan_cache_mode = force_generic_plan: the one plan is made for any arguments (a worker's
 * step differs only in them), so it is not planned again for each batch; with sorts and bitmap scans
 * switched off, that plan is the ordered walk of the claim index the custom plans used. An ANALYZE
 * of the queue invalidates it, so it follows the statistics as the custom plans did.
 */
export const QUEUE_STEP_CACHED_SETTINGS = { ...QUEUE_STEP_SETTINGS, plan_cache_mode: 'force_generic_plan' } as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const settings = Object.entries(QUEUE_STEP_CACHED_SETTINGS).map(([name, value]) => `SET ${name} = ${value}`).join(' ');
  await sql`
    CREATE OR REPLACE FUNCTION tds_queue_step(bigint[], text, integer, float8) RETURNS SETOF tds_sync_queue
    LANGUAGE plpgsql VOLATILE ${sql.raw(settings)}
    AS $tds_queue_step$BEGIN RETURN QUERY ${sql.raw(QUEUE_STEP_BODY)};
END$tds_queue_step$`.execute(db);
}
