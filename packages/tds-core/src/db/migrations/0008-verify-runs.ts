import { sql, type Kysely } from 'kysely';

/**
 * `tds verify` runs (docs/verify.md): one row per run with its totals and the whole report, read
 * by health for the verified reliability of the last 24 h. Repairs are queued with source
 * 'verify', so every fix a verify made is traceable in the queue.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE tds_verify_runs (
      id               bigserial PRIMARY KEY,
      organization_id  text,
      trigger          text NOT NULL,
      sample           integer,
      repair           boolean NOT NULL DEFAULT false,
      ok               boolean NOT NULL,
      checked          integer NOT NULL,
      matching         integer NOT NULL,
      drifted          integer NOT NULL,
      missing          integer NOT NULL,
      extra            integer NOT NULL,
      repaired         integer NOT NULL DEFAULT 0,
      requests         integer NOT NULL,
      report           jsonb NOT NULL,
      started_at       timestamptz NOT NULL,
      finished_at      timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX tds_verify_runs_finished_at ON tds_verify_runs (finished_at)`.execute(db);
  await sql`ALTER TABLE tds_sync_queue DROP CONSTRAINT tds_sync_queue_source_check`.execute(db);
  await sql`
    ALTER TABLE tds_sync_queue ADD CONSTRAINT tds_sync_queue_source_check
      CHECK (source IN ('webhook', 'sync', 'reconcile', 'manual', 'verify'))`.execute(db);
}
