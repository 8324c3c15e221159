import { sql, type Kysely } from 'kysely';
import type { AdoptionPlan, AdoptionStep } from './plan-adoption';

export interface AdoptionReport {
  /** Seed tables brought into TDS's shape. */
  tables: AdoptionPlan['tables'];
  /** The changes made, in order. */
  applied: AdoptionStep[];
  /** Column alterations the user refused (--no-alter-columns), each with what will fail instead. */
  refused: AdoptionStep[];
  notes: string[];
}

/**
 * Runs an adoption plan in one transaction on `conn` (the connection holding the migration lock):
 * either every change lands or none does. With `alterColumns: false` the 'alter' steps are left out
 * and reported as refused.
 */
export async function runAdoption(conn: Kysely<any>, plan: AdoptionPlan, options: { alterColumns: boolean }): Promise<AdoptionReport> {
  const applied = plan.steps.filter((s) => s.kind !== 'alter' || options.alterColumns);
  const refused = plan.steps.filter((s) => s.kind === 'alter' && !options.alterColumns);
  if (applied.length > 0) {
    await sql`BEGIN`.execute(conn);
    try {
      for (const step of applied) {
        try {
          await sql.raw(step.sql).execute(conn);
        } catch (error) {
          throw new Error(`adopting ${step.table} failed at: ${step.sql}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
      }
      await sql`COMMIT`.execute(conn);
    } catch (error) {
      await sql`ROLLBACK`.execute(conn).catch(() => {});
      throw error;
    }
  }
  return { tables: plan.tables, applied, refused, notes: plan.notes };
}
