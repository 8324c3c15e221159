import { sql, type Kysely } from 'kysely';

/**
 * Whose copy of Zoho this database is (docs/organization-binding.md): one row naming the Zoho
 * organization, and a log of every binding and deliberate move.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // The constant primary key makes a second binding impossible: concurrent first bindings
  // collide on it and all but one become `ON CONFLICT DO NOTHING`.
  await sql`
    CREATE TABLE tds_binding (
      singleton        boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      organization_id  text NOT NULL,
      data_center      text,
      api_host         text,
      bound_at         timestamptz NOT NULL DEFAULT now(),
      bound_by         text NOT NULL
    )`.execute(db);

  await sql`
    CREATE TABLE tds_binding_log (
      id                    bigserial PRIMARY KEY,
      from_organization_id  text,
      to_organization_id    text NOT NULL,
      data_center           text,
      api_host              text,
      reason                text NOT NULL,
      hostname              text,
      process_id            integer,
      created_at            timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // A database synced before bindings existed already belongs to the organization of its latest
  // sync run: bind it to that one, so the first start after the upgrade cannot adopt another.
  await sql`
    WITH latest AS (
      SELECT organization_id, started_at FROM tds_sync_runs
      WHERE organization_id IS NOT NULL AND organization_id <> 'unconfigured'
      ORDER BY started_at DESC, id DESC LIMIT 1
    ), bound AS (
      INSERT INTO tds_binding (organization_id, bound_at, bound_by)
      SELECT organization_id, started_at, 'migration (the organization of the latest sync run)' FROM latest
      RETURNING organization_id
    )
    INSERT INTO tds_binding_log (to_organization_id, reason)
    SELECT organization_id, 'migration (the organization of the latest sync run)' FROM bound`.execute(db);
}
