import { sql, type Kysely } from 'kysely';

/**
 * Secrets and trust (docs/security.md):
 * - zoho_oauth_tokens.access_token_key_id names the TDS_ENCRYPTION_KEY that sealed the row's
 *   access token; NULL is a plain-text row (no key configured when it was written).
 * - tds_rate_limit_daily keeps Zoho's daily quota per API: one organization has different daily
 *   limits on Books and Inventory, each reported in that API's own X-Rate-Limit-* headers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE zoho_oauth_tokens ADD COLUMN IF NOT EXISTS access_token_key_id text`.execute(db);
  await sql`
    CREATE TABLE IF NOT EXISTS tds_rate_limit_daily (
      organization_id text NOT NULL,
      api             text NOT NULL,
      daily_limit     integer NOT NULL,
      daily_remaining integer NOT NULL,
      daily_reset_at  timestamptz NOT NULL,
      updated_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (organization_id, api)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS tds_rate_limit_daily`.execute(db);
  await sql`ALTER TABLE zoho_oauth_tokens DROP COLUMN IF EXISTS access_token_key_id`.execute(db);
}
