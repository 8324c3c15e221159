import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema';

/**
 * The planner settings of the claim: tds_queue_step (migration 0014) carries them as its own SET
 * clauses; useClaimPlan applies them to a transaction (explainClaim uses it).
 * They make the claiming statements run with the plan they were written for: an
 * ordered walk of the claim index that stops after batchSize rows. The planner only picks that walk
 * when it knows the backlog is large; a queue table not analysed since a burst of enqueues (a fresh
 * database, or one whose statistics say "all completed": autovacuum analyses a minute later at
 * best) is estimated at a few pending rows, and the planner then reads the whole backlog (bitmap or
 * pending-key scan), probes every pending row for a holder of its record and sorts it, on every
 * claim (50 ms at 20 000 pending instead of 1.5 ms). Bitmap scans and sorts are therefore switched
 * off for the transaction (SET LOCAL), which leaves the ordered index walk as the only cheap plan
 * (the final sort of the claimed batch has no alternative and still runs). JIT too: it never pays
 * on a statement this small, and the cost a switched-off node carries would make PostgreSQL spend
 * a second compiling it. The step keeps one generic plan per session (migration 0017): an explained
 * statement is planned the same way.
 */
const CLAIM_PLAN = 'SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off; SET LOCAL jit = off; SET LOCAL plan_cache_mode = force_generic_plan';

export async function useClaimPlan(trx: Transaction<Database>): Promise<void> {
  await sql.raw(CLAIM_PLAN).execute(trx);
}
