import { sql, type Kysely } from 'kysely';

/** Tables the running system keeps about itself: token, webhook inbox, cursors, runs, workers, alerts, healing. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE zoho_oauth_tokens (
      organization_id  text PRIMARY KEY,
      access_token     text,
      expires_at       timestamptz,
      api_domain       text,
      refreshed_at     timestamptz,
      last_error       text,
      last_error_at    timestamptz,
      refresh_count    integer NOT NULL DEFAULT 0,
      created_at       timestamptz NOT NULL DEFAULT now(),
      updated_at       timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE tds_webhook_events (
      id             bigserial PRIMARY KEY,
      received_at    timestamptz NOT NULL DEFAULT now(),
      entity         text NOT NULL,
      zoho_id        text,
      method         text NOT NULL,
      event          text CHECK (event IN ('upsert', 'delete')),
      payload_hash   text,
      signature_ok   boolean NOT NULL,
      queue_item_id  bigint,
      query          jsonb,
      error          text
    )`.execute(db);
  await sql`CREATE INDEX tds_webhook_events_payload_hash ON tds_webhook_events (payload_hash)`.execute(db);
  await sql`CREATE INDEX tds_webhook_events_received_at ON tds_webhook_events (received_at)`.execute(db);
  await sql`CREATE INDEX tds_webhook_events_record ON tds_webhook_events (entity, zoho_id)`.execute(db);

  await sql`
    CREATE TABLE tds_sync_state (
      entity                    text NOT NULL,
      organization_id           text NOT NULL,
      cursor                    timestamptz,
      last_full_sync_at         timestamptz,
      last_incremental_sync_at  timestamptz,
      last_run_status           text,
      last_error                text,
      updated_at                timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (entity, organization_id)
    )`.execute(db);

  await sql`
    CREATE TABLE tds_sync_runs (
      id               bigserial PRIMARY KEY,
      entity           text NOT NULL,
      organization_id  text,
      mode             text NOT NULL,
      status           text NOT NULL DEFAULT 'running',
      started_at       timestamptz NOT NULL DEFAULT now(),
      finished_at      timestamptz,
      counts           jsonb NOT NULL DEFAULT '{}'::jsonb,
      error            text
    )`.execute(db);
  await sql`CREATE INDEX tds_sync_runs_entity_started ON tds_sync_runs (entity, started_at DESC)`.execute(db);

  await sql`
    CREATE TABLE tds_workers (
      worker_id          text PRIMARY KEY,
      pool_id            text,
      process_id         integer NOT NULL,
      hostname           text NOT NULL,
      started_at         timestamptz NOT NULL DEFAULT now(),
      last_heartbeat_at  timestamptz NOT NULL DEFAULT now(),
      status             text NOT NULL,
      processed_count    bigint NOT NULL DEFAULT 0,
      failed_count       bigint NOT NULL DEFAULT 0,
      current_batch      integer NOT NULL DEFAULT 0,
      stopped_at         timestamptz
    )`.execute(db);
  await sql`CREATE INDEX tds_workers_last_heartbeat ON tds_workers (last_heartbeat_at)`.execute(db);

  await sql`
    CREATE TABLE tds_alerts (
      id           bigserial PRIMARY KEY,
      level        text NOT NULL CHECK (level IN ('info', 'warning', 'critical', 'emergency')),
      code         text NOT NULL,
      message      text NOT NULL,
      details      jsonb,
      created_at   timestamptz NOT NULL DEFAULT now(),
      resolved_at  timestamptz
    )`.execute(db);
  // One open alert per condition, across every process.
  await sql`CREATE UNIQUE INDEX tds_alerts_open_code ON tds_alerts (code) WHERE resolved_at IS NULL`.execute(db);
  await sql`CREATE INDEX tds_alerts_created_at ON tds_alerts (created_at)`.execute(db);

  await sql`
    CREATE TABLE tds_heal_log (
      id          bigserial PRIMARY KEY,
      action      text NOT NULL,
      target      text,
      outcome     text NOT NULL CHECK (outcome IN ('success', 'failure', 'noop')),
      details     jsonb,
      created_at  timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX tds_heal_log_created_at ON tds_heal_log (created_at)`.execute(db);
}
