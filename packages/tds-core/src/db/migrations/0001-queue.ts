import { sql, type Kysely } from 'kysely';

/**
 * The durable queue, its dead-letter queue and the NOTIFY that wakes workers. IF NOT EXISTS: a
 * TSH ERP seed table of the same name was brought to this shape by the adoption step before this
 * ran (docs/seed-schema.md); on an empty database the result is unchanged.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE IF NOT EXISTS tds_sync_queue (
      id                      bigserial PRIMARY KEY,
      entity_type             text NOT NULL CHECK (entity_type <> ''),
      zoho_id                 text NOT NULL CHECK (zoho_id <> ''),
      operation               text NOT NULL DEFAULT 'upsert' CHECK (operation IN ('upsert', 'delete')),
      payload                 jsonb,
      status                  text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
      priority                integer NOT NULL DEFAULT 0,
      retry_count             integer NOT NULL DEFAULT 0,
      max_retries             integer NOT NULL DEFAULT 5 CHECK (max_retries >= 1),
      run_after               timestamptz NOT NULL DEFAULT now(),
      locked_by               text,
      locked_at               timestamptz,
      locked_until            timestamptz,
      last_error              text,
      zoho_last_modified_time timestamptz,
      source                  text NOT NULL DEFAULT 'sync' CHECK (source IN ('webhook', 'sync', 'reconcile', 'manual')),
      created_at              timestamptz NOT NULL DEFAULT now(),
      updated_at              timestamptz NOT NULL DEFAULT now(),
      completed_at            timestamptz
    )`.execute(db);
  // Coalescing key: at most one pending item per Zoho record.
  await sql`CREATE UNIQUE INDEX tds_sync_queue_pending_key ON tds_sync_queue (entity_type, zoho_id) WHERE status = 'pending'`.execute(db);
  // Claiming reads only pending rows, in this order; completed rows never enter these indexes.
  await sql`CREATE INDEX tds_sync_queue_claim ON tds_sync_queue (priority DESC, run_after, id) WHERE status = 'pending'`.execute(db);
  // One record is processed by one holder at a time: claim checks this before taking a pending item.
  await sql`CREATE INDEX tds_sync_queue_processing_key ON tds_sync_queue (entity_type, zoho_id) WHERE status = 'processing'`.execute(db);
  await sql`CREATE INDEX tds_sync_queue_lease ON tds_sync_queue (locked_until) WHERE status = 'processing'`.execute(db);
  await sql`CREATE INDEX tds_sync_queue_completed ON tds_sync_queue (completed_at) WHERE status = 'completed'`.execute(db);
  await sql`CREATE INDEX tds_sync_queue_failed ON tds_sync_queue (id) WHERE status = 'failed'`.execute(db);

  await sql`
    CREATE FUNCTION tds_sync_queue_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('tds_queue', '');
      RETURN NULL;
    END
    $$`.execute(db);
  await sql`
    CREATE TRIGGER tds_sync_queue_notify AFTER INSERT ON tds_sync_queue
    FOR EACH STATEMENT EXECUTE FUNCTION tds_sync_queue_notify()`.execute(db);

  await sql`
    CREATE TABLE IF NOT EXISTS tds_dead_letter_queue (
      id                      bigserial PRIMARY KEY,
      original_queue_id       bigint,
      entity_type             text NOT NULL,
      zoho_id                 text NOT NULL,
      operation               text NOT NULL,
      payload                 jsonb,
      error                   text NOT NULL,
      retry_count             integer NOT NULL DEFAULT 0,
      priority                integer NOT NULL DEFAULT 0,
      max_retries             integer NOT NULL DEFAULT 5,
      zoho_last_modified_time timestamptz,
      source                  text,
      failed_at               timestamptz NOT NULL DEFAULT now(),
      resolved_at             timestamptz,
      resolution_note         text,
      retried_at              timestamptz,
      retried_queue_id        bigint
    )`.execute(db);
  await sql`CREATE INDEX tds_dead_letter_queue_open ON tds_dead_letter_queue (failed_at) WHERE resolved_at IS NULL AND retried_at IS NULL`.execute(db);
  await sql`CREATE INDEX tds_dead_letter_queue_record ON tds_dead_letter_queue (entity_type, zoho_id)`.execute(db);
}
