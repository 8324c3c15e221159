import { sql, type Kysely } from 'kysely';

/**
 * The fencing row of each entity's sync run lock, and the ids a full pass saw (docs/zoho-client-robustness.md,
 * "Sync run locks"). Seen ids used to live in a temporary table on the lock's connection, so a run
 * lost them, and failed, whenever that connection dropped; keyed by run id they survive it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE IF NOT EXISTS tds_sync_leases (
      entity          text NOT NULL,
      organization_id text NOT NULL,
      fence           bigint NOT NULL,
      lock_key        bigint NOT NULL,
      holder_pid      integer NOT NULL,
      acquired_at     timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (entity, organization_id)
    )`.execute(db);
  await sql`
    CREATE TABLE IF NOT EXISTS tds_sync_seen_ids (
      run_id  bigint NOT NULL REFERENCES tds_sync_runs (id) ON DELETE CASCADE,
      zoho_id text NOT NULL,
      PRIMARY KEY (run_id, zoho_id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS tds_sync_seen_ids`.execute(db);
  await sql`DROP TABLE IF EXISTS tds_sync_leases`.execute(db);
}
