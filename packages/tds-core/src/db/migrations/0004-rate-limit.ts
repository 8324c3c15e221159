import { sql, type Kysely } from 'kysely';

/**
 * Shared rate budget tables. The window is a ring of the last N acquisition times kept in the
 * organization's row, so the row lock serializes every process and the check is exact: a slot
 * is granted only when the oldest of the last `limit` grants has left the window.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE IF NOT EXISTS tds_rate_limit_state (
      organization_id text PRIMARY KEY,
      window_slots timestamptz[] NOT NULL DEFAULT '{}',
      paused_until timestamptz,
      last_429_at timestamptz,
      rate_limited_count bigint NOT NULL DEFAULT 0,
      granted_count bigint NOT NULL DEFAULT 0,
      daily_limit integer,
      daily_remaining integer,
      daily_reset_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE IF NOT EXISTS tds_rate_limit_inflight (
      id bigserial PRIMARY KEY,
      organization_id text NOT NULL,
      holder text NOT NULL,
      acquired_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      expires_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS tds_rate_limit_inflight_org ON tds_rate_limit_inflight (organization_id, expires_at)`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION tds_rate_limit_acquire(
      p_org text, p_limit integer, p_window_ms integer, p_max_inflight integer, p_lease_ms integer, p_holder text
    ) RETURNS TABLE (slot_id bigint, wait_ms integer)
    LANGUAGE plpgsql AS $$
    DECLARE
      s tds_rate_limit_state;
      live timestamptz[];
      t timestamptz := clock_timestamp();
      busy integer;
      sid bigint;
    BEGIN
      INSERT INTO tds_rate_limit_state (organization_id) VALUES (p_org) ON CONFLICT DO NOTHING;
      SELECT * INTO s FROM tds_rate_limit_state WHERE organization_id = p_org FOR UPDATE;
      t := clock_timestamp();
      IF s.paused_until IS NOT NULL AND s.paused_until > t THEN
        RETURN QUERY SELECT NULL::bigint, GREATEST(1, CEIL(EXTRACT(EPOCH FROM s.paused_until - t) * 1000))::integer;
        RETURN;
      END IF;
      live := ARRAY(SELECT x FROM unnest(s.window_slots) AS x WHERE x > t - make_interval(secs => p_window_ms / 1000.0) ORDER BY x);
      IF cardinality(live) >= p_limit THEN
        UPDATE tds_rate_limit_state SET window_slots = live WHERE organization_id = p_org;
        RETURN QUERY SELECT NULL::bigint,
          GREATEST(1, CEIL(EXTRACT(EPOCH FROM live[cardinality(live) - p_limit + 1] + make_interval(secs => p_window_ms / 1000.0) - t) * 1000))::integer;
        RETURN;
      END IF;
      DELETE FROM tds_rate_limit_inflight WHERE organization_id = p_org AND expires_at < t;
      SELECT count(*) INTO busy FROM tds_rate_limit_inflight WHERE organization_id = p_org;
      IF busy >= p_max_inflight THEN
        RETURN QUERY SELECT NULL::bigint, 25;
        RETURN;
      END IF;
      INSERT INTO tds_rate_limit_inflight (organization_id, holder, expires_at)
        VALUES (p_org, p_holder, t + make_interval(secs => p_lease_ms / 1000.0)) RETURNING id INTO sid;
      UPDATE tds_rate_limit_state
        SET window_slots = live || t, granted_count = granted_count + 1, updated_at = t
        WHERE organization_id = p_org;
      RETURN QUERY SELECT sid, 0;
    END
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS tds_rate_limit_acquire(text, integer, integer, integer, integer, text)`.execute(db);
  await sql`DROP TABLE IF EXISTS tds_rate_limit_inflight`.execute(db);
  await sql`DROP TABLE IF EXISTS tds_rate_limit_state`.execute(db);
}
