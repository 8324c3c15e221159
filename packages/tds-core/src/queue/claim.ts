import { randomBytes } from 'node:crypto';
import { sql, type QueryResult, type Transaction } from 'kysely';
import type { Database } from '../db/schema';
import { useClaimPlan } from './claim-plan';
import { normalizeIds, requirePositive, requireText } from './validate';
import type { QueueDb, QueueItem } from './types';

export interface ClaimOptions {
  workerId: string;
  batchSize: number;
  leaseSeconds: number;
}

/**
 * One queue step, tds_queue_step() (migration 0014-queue-step, which documents the claim): completes
 * `completedIds` that `workerId` still holds and claims up to batchSize items, in one statement and
 * one round trip. Claimed items come back in claiming order.
 */
export async function queueStep(db: QueueDb, completedIds: readonly (string | number)[], options: ClaimOptions): Promise<{ completed: string[]; items: QueueItem[] }> {
  const workerId = requireText(options.workerId, 'workerId', 200);
  const batchSize = requirePositive(options.batchSize, 'batchSize', { integer: true, max: 10_000 });
  const leaseSeconds = requirePositive(options.leaseSeconds, 'leaseSeconds', { max: 86_400 });
  const ids = normalizeIds(completedIds);
  const { rows } = await sql<QueueItem>`
SELECT * FROM tds_queue_step(${ids}::bigint[], ${workerId}, ${batchSize}::int, ${leaseSeconds}::float8)
ORDER BY priority DESC NULLS LAST, run_after, id`.execute(db);
  const completed: string[] = [];
  const items: QueueItem[] = [];
  for (const row of rows) {
    if (row.status === 'completed') completed.push(String(row.id));
    else items.push(row);
  }
  return { completed, items };
}

/** Claims up to batchSize items in one statement (see queueStep), in claiming order. */
export async function claim(db: QueueDb, options: ClaimOptions): Promise<QueueItem[]> {
  return (await queueStep(db, [], options)).items;
}

/**
 * EXPLAIN (ANALYZE, FORMAT JSON) of the claim as the step function runs it: its statement as stored
 * in the database, prepared in this transaction under the function's planner settings (the generic
 * plan, as PL/pgSQL keeps it). It claims for real, so run it in a transaction that is rolled back.
 */
export async function explainClaim(trx: Transaction<Database>, options: ClaimOptions): Promise<QueryResult<{ 'QUERY PLAN': unknown }>> {
  const { rows } = await sql<{ body: string }>`SELECT prosrc AS body FROM pg_proc WHERE proname = 'tds_queue_step'`.execute(trx);
  if (rows.length !== 1) throw new Error('tds_queue_step is missing: run the migrations');
  // The statement inside PL/pgSQL's RETURN QUERY (migration 0017).
  const body = /^\s*BEGIN\s+RETURN\s+QUERY\s([\s\S]*);\s*END\s*$/i.exec(rows[0].body)?.[1];
  if (body === undefined) throw new Error('tds_queue_step is not the RETURN QUERY of migration 0017: run the migrations');
  await useClaimPlan(trx);
  // EXPLAIN EXECUTE takes literals, not bind parameters. A prepared statement outlives the transaction: a name of its own, deallocated after use.
  const name = sql.id(`tds_explained_step_${randomBytes(4).toString('hex')}`);
  await sql`PREPARE ${name}(bigint[], text, integer, float8) AS ${sql.raw(body)}`.execute(trx);
  try {
    return await sql<{ 'QUERY PLAN': unknown }>`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE ${name}('{}', ${sql.lit(requireText(options.workerId, 'workerId', 200))}, ${sql.lit(Math.trunc(options.batchSize))}, ${sql.lit(Number(options.leaseSeconds))})`.execute(trx);
  } finally {
    await sql`DEALLOCATE ${name}`.execute(trx).catch(() => {});
  }
}
