import { sql, type Kysely } from 'kysely';

// One statement per operation; the acquire logic lives in the tds_rate_limit_acquire() function.

export async function acquireRateSlot(
  db: Kysely<any>,
  args: { organizationId: string; limit: number; windowMs: number; maxInFlight: number; leaseMs: number; holder: string },
): Promise<{ slotId: string | null; waitMs: number }> {
  const { rows } = await sql<{ slot_id: string | null; wait_ms: number }>`
    SELECT slot_id, wait_ms FROM tds_rate_limit_acquire(
      ${args.organizationId}, ${args.limit}, ${args.windowMs}, ${args.maxInFlight}, ${args.leaseMs}, ${args.holder})`.execute(db);
  const row = rows[0]!;
  return { slotId: row.slot_id, waitMs: row.wait_ms };
}

export async function releaseRateSlot(db: Kysely<any>, slotId: string): Promise<void> {
  await sql`SELECT tds_rate_limit_release(${slotId})`.execute(db);
}

/** Extends (never shortens) the organization-wide pause after a 429. */
export async function pauseRateLimit(db: Kysely<any>, organizationId: string, ms: number): Promise<void> {
  await sql`
    INSERT INTO tds_rate_limit_state (organization_id, paused_until, last_429_at, rate_limited_count)
    VALUES (${organizationId}, clock_timestamp() + make_interval(secs => ${ms} / 1000.0), clock_timestamp(), 1)
    ON CONFLICT (organization_id) DO UPDATE SET
      paused_until = GREATEST(COALESCE(tds_rate_limit_state.paused_until, EXCLUDED.paused_until), EXCLUDED.paused_until),
      last_429_at = EXCLUDED.last_429_at,
      rate_limited_count = tds_rate_limit_state.rate_limited_count + 1,
      updated_at = clock_timestamp()`.execute(db);
}

/**
 * Records one API's daily quota from a response's X-Rate-Limit-* headers. Responses of one day
 * arrive out of order across workers and processes, so within one quota day the row keeps the
 * lowest remaining count ever reported (the quota only goes down until its reset); a reset time
 * more than an hour later than the stored one is a new day and starts over.
 */
export async function recordDailyQuota(
  db: Kysely<any>,
  organizationId: string,
  quota: { limit: number; remaining: number; resetSeconds: number; api?: string },
): Promise<void> {
  if (quota.api === undefined) {
    await sql`
      INSERT INTO tds_rate_limit_state (organization_id, daily_limit, daily_remaining, daily_reset_at)
      VALUES (${organizationId}, ${quota.limit}, ${quota.remaining}, clock_timestamp() + make_interval(secs => ${quota.resetSeconds}))
      ON CONFLICT (organization_id) DO UPDATE SET
        daily_limit = EXCLUDED.daily_limit, daily_remaining = EXCLUDED.daily_remaining,
        daily_reset_at = EXCLUDED.daily_reset_at, updated_at = clock_timestamp()`.execute(db);
    return;
  }
  await sql`
    INSERT INTO tds_rate_limit_daily AS d (organization_id, api, daily_limit, daily_remaining, daily_reset_at)
    VALUES (${organizationId}, ${quota.api}, ${quota.limit}, ${quota.remaining}, clock_timestamp() + make_interval(secs => ${quota.resetSeconds}))
    ON CONFLICT (organization_id, api) DO UPDATE SET
      daily_remaining = CASE WHEN EXCLUDED.daily_reset_at > d.daily_reset_at + interval '1 hour'
        THEN EXCLUDED.daily_remaining ELSE LEAST(d.daily_remaining, EXCLUDED.daily_remaining) END,
      daily_limit = EXCLUDED.daily_limit,
      daily_reset_at = CASE WHEN EXCLUDED.daily_reset_at > d.daily_reset_at + interval '1 hour'
        THEN EXCLUDED.daily_reset_at ELSE d.daily_reset_at END,
      updated_at = clock_timestamp()`.execute(db);
}

export interface DailyQuotaStatus {
  limit: number;
  remaining: number;
  resetAt: Date;
}

/** The quota with the smaller share left. */
function mostSpent(quotas: DailyQuotaStatus[]): DailyQuotaStatus | null {
  let worst: DailyQuotaStatus | null = null;
  for (const q of quotas) if (!worst || q.remaining * worst.limit < worst.remaining * q.limit) worst = q;
  return worst;
}

export interface RateLimitStatus {
  organizationId: string;
  usedInWindow: number;
  inFlight: number;
  pausedUntil: Date | null;
  last429At: Date | null;
  rateLimitedCount: number;
  grantedCount: number;
  /** The API with the smaller share of its daily quota left (what alerts and plans should heed). */
  daily: DailyQuotaStatus | null;
  /** Each API's own daily quota (books, inventory), as its responses last reported it. */
  dailyByApi: Record<string, DailyQuotaStatus>;
}

export async function readRateLimitStatus(db: Kysely<any>, organizationId: string, windowMs: number): Promise<RateLimitStatus> {
  const perApi = await sql<{ api: string; daily_limit: number; daily_remaining: number; daily_reset_at: Date }>`
    SELECT api, daily_limit, daily_remaining, daily_reset_at FROM tds_rate_limit_daily WHERE organization_id = ${organizationId} ORDER BY api`.execute(db);
  const dailyByApi: Record<string, DailyQuotaStatus> = {};
  for (const r of perApi.rows) dailyByApi[r.api] = { limit: r.daily_limit, remaining: r.daily_remaining, resetAt: r.daily_reset_at };
  const { rows } = await sql<{
    used: number;
    in_flight: number;
    paused_until: Date | null;
    last_429_at: Date | null;
    rate_limited_count: string;
    granted_count: string;
    daily_limit: number | null;
    daily_remaining: number | null;
    daily_reset_at: Date | null;
  }>`
    SELECT
      (SELECT count(*)::int FROM unnest(s.window_slots) x WHERE x > clock_timestamp() - make_interval(secs => ${windowMs} / 1000.0)) AS used,
      (SELECT count(*)::int FROM tds_rate_limit_inflight i WHERE i.organization_id = s.organization_id AND i.expires_at > clock_timestamp()) AS in_flight,
      s.paused_until, s.last_429_at, s.rate_limited_count, s.granted_count, s.daily_limit, s.daily_remaining, s.daily_reset_at
    FROM tds_rate_limit_state s WHERE s.organization_id = ${organizationId}`.execute(db);
  const row = rows[0];
  if (!row) {
    return {
      organizationId,
      usedInWindow: 0,
      inFlight: 0,
      pausedUntil: null,
      last429At: null,
      rateLimitedCount: 0,
      grantedCount: 0,
      daily: mostSpent(Object.values(dailyByApi)),
      dailyByApi,
    };
  }
  return {
    organizationId,
    usedInWindow: row.used,
    inFlight: row.in_flight,
    pausedUntil: row.paused_until && row.paused_until > new Date() ? row.paused_until : null,
    last429At: row.last_429_at,
    rateLimitedCount: Number(row.rate_limited_count),
    grantedCount: Number(row.granted_count),
    // Rows written before quotas were kept per API count until an API reports its own.
    daily:
      mostSpent(Object.values(dailyByApi)) ??
      (row.daily_limit !== null && row.daily_remaining !== null && row.daily_reset_at !== null
        ? { limit: row.daily_limit, remaining: row.daily_remaining, resetAt: row.daily_reset_at }
        : null),
    dailyByApi,
  };
}
