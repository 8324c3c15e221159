import { sql, type Kysely } from 'kysely';

/** A fixed-percentage price list's rounding (Zoho's rounding_type) is needed to compute its prices (docs/prices.md). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE price_lists ADD COLUMN IF NOT EXISTS rounding_type text`.execute(db);
}
