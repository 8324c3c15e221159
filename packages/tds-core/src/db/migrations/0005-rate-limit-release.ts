import { sql, type Kysely } from 'kysely';

/**
 * A granted slot is only as early as the request that used it. A process may be slow to send
 * after its grant (a busy event loop), so the window counts a slot at its release time, and a
 * slot still in flight counts as current however old its grant is: with both, no two requests
 * that reach Zoho inside one window can exceed the budget, whatever the delays between processes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION tds_rate_limit_acquire(
      p_org text, p_limit integer, p_window_ms integer, p_max_inflight integer, p_lease_ms integer, p_holder text
    ) RETURNS TABLE (slot_id bigint, wait_ms integer)
    LANGUAGE plpgsql AS $$
    DECLARE
      s tds_rate_limit_state;
      win interval := make_interval(secs => p_window_ms / 1000.0);
      live timestamptz[];
      t timestamptz;
      busy integer;
      old_in_flight integer;
      room integer;
      sid bigint;
    BEGIN
      INSERT INTO tds_rate_limit_state (organization_id) VALUES (p_org) ON CONFLICT DO NOTHING;
      SELECT * INTO s FROM tds_rate_limit_state WHERE organization_id = p_org FOR UPDATE;
      t := clock_timestamp();
      IF s.paused_until IS NOT NULL AND s.paused_until > t THEN
        RETURN QUERY SELECT NULL::bigint, GREATEST(1, CEIL(EXTRACT(EPOCH FROM s.paused_until - t) * 1000))::integer;
        RETURN;
      END IF;
      DELETE FROM tds_rate_limit_inflight WHERE organization_id = p_org AND expires_at < t;
      SELECT count(*), count(*) FILTER (WHERE acquired_at <= t - win) INTO busy, old_in_flight
        FROM tds_rate_limit_inflight WHERE organization_id = p_org;
      live := ARRAY(SELECT x FROM unnest(s.window_slots) AS x WHERE x > t - win ORDER BY x);
      room := p_limit - old_in_flight;
      IF room <= 0 OR cardinality(live) >= room THEN
        UPDATE tds_rate_limit_state SET window_slots = live WHERE organization_id = p_org;
        IF room <= 0 OR cardinality(live) = 0 THEN
          RETURN QUERY SELECT NULL::bigint, 25;
        ELSE
          RETURN QUERY SELECT NULL::bigint,
            GREATEST(1, CEIL(EXTRACT(EPOCH FROM live[cardinality(live) - room + 1] + win - t) * 1000))::integer;
        END IF;
        RETURN;
      END IF;
      IF busy >= p_max_inflight THEN
        RETURN QUERY SELECT NULL::bigint, 25;
        RETURN;
      END IF;
      INSERT INTO tds_rate_limit_inflight (organization_id, holder, acquired_at, expires_at)
        VALUES (p_org, p_holder, t, t + make_interval(secs => p_lease_ms / 1000.0)) RETURNING id INTO sid;
      UPDATE tds_rate_limit_state
        SET window_slots = live || t, granted_count = granted_count + 1, updated_at = t
        WHERE organization_id = p_org;
      RETURN QUERY SELECT sid, 0;
    END
    $$`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION tds_rate_limit_release(p_slot_id bigint) RETURNS void
    LANGUAGE plpgsql AS $$
    DECLARE
      org text;
      granted timestamptz;
      t timestamptz := clock_timestamp();
    BEGIN
      DELETE FROM tds_rate_limit_inflight WHERE id = p_slot_id RETURNING organization_id, acquired_at INTO org, granted;
      IF NOT FOUND THEN
        RETURN;
      END IF;
      UPDATE tds_rate_limit_state
        SET window_slots = CASE WHEN granted = ANY (window_slots) THEN array_replace(window_slots, granted, t) ELSE window_slots || t END
        WHERE organization_id = org;
    END
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS tds_rate_limit_release(bigint)`.execute(db);
}
