import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/schema';
import {
  buildHealthReport,
  createCallbackAlertSink,
  createHealthMetrics,
  createHealthMonitor,
  createHealthService,
  createLoggerAlertSink,
  createWebhookAlertSink,
  evaluateAlerts,
  getHealth,
  renderErrorReport,
  renderStatusReport,
  type AlertNotice,
  type HealthDeps,
} from '../src/health';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

const ORG = '123456789';
let t: TestDatabase;
let deps: HealthDeps;

beforeAll(async () => {
  t = await createTestDatabase();
  deps = { db: t.db, organizationId: ORG };
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE tds_sync_queue, tds_dead_letter_queue, tds_workers, tds_alerts, tds_heal_log, tds_sync_state, tds_sync_runs, zoho_oauth_tokens, tds_rate_limit_state RESTART IDENTITY CASCADE`.execute(
    t.db,
  );
});

// --- seeding: rows as the other parts of TDS write them ---

async function seedWorkers(alive: number, crashed = 0): Promise<void> {
  await sql`
INSERT INTO tds_workers (worker_id, pool_id, process_id, hostname, status, last_heartbeat_at)
SELECT 'alive-' || i, 'pool', 1, 'host', 'idle', now() FROM generate_series(1, ${alive}::int) i
UNION ALL
SELECT 'crashed-' || i, 'pool', 2, 'host', 'processing', now() - interval '10 minutes' FROM generate_series(1, ${crashed}::int) i`.execute(t.db);
}

async function seedSyncState(entity: string, ago: string): Promise<void> {
  await sql`
INSERT INTO tds_sync_state (entity, organization_id, last_incremental_sync_at)
VALUES (${entity}, ${ORG}, now() - ${ago}::interval)
ON CONFLICT (entity, organization_id) DO UPDATE SET last_incremental_sync_at = excluded.last_incremental_sync_at`.execute(t.db);
}

async function seedAllSynced(ago = '5 minutes 30 seconds'): Promise<void> {
  for (const entity of ['products', 'customers', 'invoices', 'bills', 'stock', 'pricelists']) await seedSyncState(entity, ago);
}

async function seedToken(options: { expiresIn?: string; lastError?: string | null; accessToken?: string } = {}): Promise<void> {
  await sql`
INSERT INTO zoho_oauth_tokens (organization_id, access_token, expires_at, refreshed_at, refresh_count, last_error, last_error_at)
VALUES (${ORG}, ${options.accessToken ?? 'at-1000.aaaa'}, now() + ${options.expiresIn ?? '50 minutes 30 seconds'}::interval, now() - interval '10 minutes', 3,
  ${options.lastError ?? null}, ${options.lastError ? sql`now() - interval '1 minute'` : null})`.execute(t.db);
}

async function seedPending(count: number, options: { entity?: string; age?: string; retryCount?: number; status?: string } = {}): Promise<void> {
  const age = options.age ?? '10 seconds';
  await sql`
INSERT INTO tds_sync_queue (entity_type, zoho_id, status, retry_count, created_at, run_after, last_error)
SELECT ${options.entity ?? 'products'}, ${options.status ?? 'pending'} || '-' || ${age} || '-' || i, ${options.status ?? 'pending'},
  ${options.retryCount ?? 0}::int, now() - ${age}::interval, now() - ${age}::interval,
  CASE WHEN ${options.retryCount ?? 0}::int > 0 OR ${options.status ?? 'pending'} = 'failed' THEN 'Zoho answered 503' END
FROM generate_series(1, ${count}::int) i`.execute(t.db);
}

async function seedCompleted(count: number, options: { ago?: string; delaySeconds?: number; entity?: string } = {}): Promise<void> {
  await sql`
INSERT INTO tds_sync_queue (entity_type, zoho_id, status, created_at, completed_at, locked_by, locked_at)
SELECT ${options.entity ?? 'products'}, 'done-' || i || '-' || ${options.ago ?? '1 hour'}, 'completed',
  now() - ${options.ago ?? '1 hour'}::interval - make_interval(secs => ${options.delaySeconds ?? 4}),
  now() - ${options.ago ?? '1 hour'}::interval, 'w', now() - ${options.ago ?? '1 hour'}::interval
FROM generate_series(1, ${count}::int) i`.execute(t.db);
}

async function seedDeadLetters(count: number, error = 'Invalid Zoho item: rate: expected a decimal', ago = '3 hours'): Promise<void> {
  await sql`
INSERT INTO tds_dead_letter_queue (entity_type, zoho_id, operation, error, failed_at)
SELECT 'products', 'dead-' || i, 'upsert', ${error}, now() - ${ago}::interval FROM generate_series(1, ${count}::int) i`.execute(t.db);
}

async function seedHealthy(): Promise<void> {
  await seedWorkers(2);
  await seedAllSynced();
  await seedToken();
}

const codes = async () => (await getHealth(deps)).alerts.map((a) => `${a.code}:${a.severity}`).sort();

describe('getHealth', () => {
  it('returns the seed structure from the database, healthy when nothing is wrong', async () => {
    await seedHealthy();
    await seedPending(3);
    await seedCompleted(10);
    const h = await getHealth(deps);
    expect(h.status).toBe('healthy');
    expect(h.alerts).toEqual([]);
    expect(h.queue_status).toEqual({ pending: 3, processing: 0, completed_last_24h: 10, failed: 0, retrying: 0, deferred: 0, ready: 3, expired_leases: 0 });
    expect(h.dead_letter_queue).toEqual({ total_items: 0, unresolved: 0, added_last_24h: 0 });
    expect(Object.keys(h.last_sync_timestamps)).toEqual(['products', 'customers', 'invoices', 'bills', 'stock', 'pricelists']);
    for (const [entity, at] of Object.entries(h.last_sync_timestamps)) {
      expect(at, entity).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(h.last_sync_age_seconds[entity]).toBeGreaterThanOrEqual(330);
      expect(h.last_sync_age_seconds[entity]).toBeLessThan(400);
    }
    expect(h.workers).toMatchObject({ status: 'running', alive: 2, crashed: 0, known: 2, processing_rate: 0 });
    expect(h.zoho_api).toMatchObject({
      token_valid: true,
      credential_valid: true,
      credential_error: null,
      token_refresh_count: 3,
      rate_limit_per_minute: 100,
      rate_limit_remaining: 100,
      daily_quota: null,
      paused_until: null,
    });
    expect(h.zoho_api.token_expires_in).toBeGreaterThan(2900);
    expect(h.sync_delay_seconds).toBeGreaterThanOrEqual(10);
    expect(h.sync_delay).toMatchObject({ p50_seconds: 4, p95_seconds: 4, average_seconds: 4, samples: 10 });
    expect(h.success_metrics).toEqual({ reliability_percent: 100, backlog: 3, average_delay_seconds: 4, failed_percent: 0, heal_success_percent: null });
  });

  it('counts the records sync runs applied in the success metrics, not only queue completions', async () => {
    await seedHealthy();
    await sql`
INSERT INTO tds_sync_runs (entity, organization_id, mode, status, started_at, finished_at, counts)
VALUES ('products', ${ORG}, 'full', 'succeeded', now() - interval '1 hour', now() - interval '59 minutes',
        '{"fetched": 995, "inserted": 900, "updated": 40, "unchanged": 50, "deleted": 2, "deadLettered": 5, "pages": 5, "requestsUsed": 15}'),
       ('products', ${ORG}, 'full', 'succeeded', now() - interval '30 hours', now() - interval '30 hours', '{"inserted": 5000}')`.execute(t.db);
    await seedDeadLetters(5);
    await seedCompleted(3);
    const h = await getHealth(deps);
    expect(h.success_metrics).toMatchObject({ reliability_percent: 99.5, failed_percent: 0.5 });
  });

  it('uses the queue completions of an entity as its last sync when no sync run is recorded', async () => {
    await seedCompleted(1, { entity: 'invoices', ago: '2 minutes' });
    const h = await getHealth(deps);
    expect(h.last_sync_timestamps.invoices).not.toBeNull();
    expect(h.last_sync_timestamps.products).toBeNull();
    expect(h.last_sync_age_seconds.invoices).toBeGreaterThanOrEqual(120);
  });

  it('grades the pending backlog: warning above 50, critical above 200', async () => {
    await seedHealthy();
    await seedPending(50);
    expect(await codes()).toEqual([]);
    await seedPending(1, { entity: 'customers' });
    expect(await codes()).toEqual(['queue_backlog:warning']);
    await seedPending(150, { entity: 'invoices' });
    expect(await codes()).toEqual(['queue_backlog:critical']);
    expect((await getHealth(deps)).status).toBe('critical');
  });

  it('grades the sync delay: warning after 30 min, critical after 2 h, emergency (sync stopped) after 6 h', async () => {
    await seedHealthy();
    await seedPending(1, { age: '29 minutes' });
    expect(await codes()).toEqual([]);
    await seedPending(1, { age: '31 minutes' });
    expect(await codes()).toEqual(['sync_delay:warning']);
    await seedPending(1, { age: '2 hours 1 minute' });
    expect(await codes()).toEqual(['sync_delay:critical']);
    await seedPending(1, { age: '6 hours 1 minute' });
    const h = await getHealth(deps);
    expect(h.status).toBe('emergency');
    expect(h.alerts.map((a) => a.code)).toEqual(['sync_delay']);
    expect(h.alerts[0].message).toContain('sync has been stopped for 6 h 1 min');
  });

  it('counts failing items (failed or retrying): warning above 5, critical above 20', async () => {
    await seedHealthy();
    await seedPending(3, { retryCount: 1 });
    await seedPending(2, { status: 'failed', retryCount: 1 });
    expect(await codes()).toEqual([]);
    await seedPending(1, { status: 'failed', retryCount: 2, age: '11 seconds' });
    expect(await codes()).toEqual(['failing_items:warning']);
    await seedPending(15, { retryCount: 1, age: '12 seconds' });
    expect(await codes()).toEqual(['failing_items:critical']);
  });

  it('grades the dead-letter queue: warning above 0 unresolved, critical above 10; resolved ones do not count', async () => {
    await seedHealthy();
    await seedDeadLetters(1);
    expect(await codes()).toEqual(['dead_letters:warning']);
    await seedDeadLetters(9);
    expect(await codes()).toEqual(['dead_letters:warning']);
    await seedDeadLetters(1);
    expect(await codes()).toEqual(['dead_letters:critical']);
    await sql`UPDATE tds_dead_letter_queue SET resolved_at = now(), resolution_note = 'bad data in Zoho'`.execute(t.db);
    expect(await codes()).toEqual([]);
  });

  it('tells workers not started (warning), not running with work waiting (critical) and crashed (emergency) apart', async () => {
    await seedAllSynced();
    await seedToken();
    let h = await getHealth(deps);
    expect(h.workers.status).toBe('not_started');
    expect(h.alerts.map((a) => `${a.code}:${a.severity}`)).toEqual(['workers_down:warning']);
    await seedPending(1);
    h = await getHealth(deps);
    expect(h.alerts.map((a) => `${a.code}:${a.severity}`)).toEqual(['workers_down:critical']);
    await seedWorkers(0, 1);
    h = await getHealth(deps);
    expect(h.workers).toMatchObject({ status: 'crashed', alive: 0, crashed: 1 });
    expect(h.status).toBe('emergency');
    await seedWorkers(1);
    h = await getHealth(deps);
    expect(h.workers).toMatchObject({ status: 'running', alive: 1, crashed: 1 });
    expect(h.status).toBe('healthy');
  });

  it('reads liveness from heartbeats within three heartbeat periods', async () => {
    await seedAllSynced();
    await seedToken();
    await sql`INSERT INTO tds_workers (worker_id, process_id, hostname, status, last_heartbeat_at) VALUES ('w', 1, 'h', 'idle', now() - interval '20 seconds')`.execute(t.db);
    expect((await getHealth(deps)).workers.alive).toBe(0);
    expect((await getHealth({ ...deps, heartbeatIntervalMs: 10_000 })).workers.alive).toBe(1);
    await sql`UPDATE tds_workers SET status = 'stopped', last_heartbeat_at = now() - interval '1 hour'`.execute(t.db);
    const h = await getHealth(deps);
    expect(h.workers).toMatchObject({ status: 'stopped', alive: 0, crashed: 0 });
  });

  it('warns about an entity not synced for 24 h, or never', async () => {
    await seedWorkers(1);
    await seedToken();
    await seedAllSynced();
    await seedSyncState('bills', '25 hours');
    await sql`DELETE FROM tds_sync_state WHERE entity = 'stock'`.execute(t.db);
    const h = await getHealth(deps);
    expect(h.alerts.map((a) => `${a.code}:${a.severity}`).sort()).toEqual(['entity_stale:bills:warning', 'entity_stale:stock:warning']);
    expect(h.alerts.find((a) => a.code === 'entity_stale:stock')?.message).toBe('stock have never been synced');
  });

  it('raises a critical alert with the re-authorize steps when Zoho refused the refresh token', async () => {
    await seedWorkers(1);
    await seedAllSynced();
    // The access token has expired too: with one still valid it is a warning (health-refresh-refused.test.ts).
    await seedToken({ expiresIn: '-1 minute', lastError: 'Zoho refused the token refresh (invalid_code): the refresh token is invalid, expired or revoked.' });
    const h = await getHealth(deps);
    expect(h.status).toBe('critical');
    expect(h.zoho_api).toMatchObject({ token_valid: false, credential_valid: false, credential_error: { reason: 'invalid_code' } });
    const alert = h.alerts.find((a) => a.code === 'zoho_credential_invalid');
    expect(alert?.severity).toBe('critical');
    expect(alert?.remediation).toContain('Zoho API console');
    expect(alert?.remediation).toContain('ZOHO_REFRESH_TOKEN');
  });

  it('reports the shared rate budget, a 429 pause and a low daily quota', async () => {
    await seedHealthy();
    await sql`
INSERT INTO tds_rate_limit_state (organization_id, window_slots, paused_until, last_429_at, rate_limited_count, daily_limit, daily_remaining, daily_reset_at)
VALUES (${ORG}, ARRAY[clock_timestamp(), clock_timestamp(), clock_timestamp() - interval '2 minutes'], now() + interval '30 seconds', now(), 4, 1000, 50, now() + interval '5 hours')`.execute(
      t.db,
    );
    const h = await getHealth(deps);
    expect(h.zoho_api).toMatchObject({ requests_in_window: 2, rate_limit_remaining: 98, rate_limited_count: 4, daily_quota_remaining: 50 });
    expect(h.zoho_api.paused_until).not.toBeNull();
    expect(h.alerts.map((a) => `${a.code}:${a.severity}`).sort()).toEqual(['zoho_daily_quota:warning', 'zoho_rate_limited:warning']);
  });

  it('takes threshold overrides and refuses bad ones by name', async () => {
    await seedHealthy();
    await seedPending(5);
    expect(await codes()).toEqual([]);
    const h = await getHealth({ ...deps, thresholds: { pendingItems: { warning: 2, critical: 4 } } });
    expect(h.alerts.map((a) => `${a.code}:${a.severity}`)).toEqual(['queue_backlog:critical']);
    await expect(getHealth({ ...deps, thresholds: { pendingItems: { warning: -1 } } })).rejects.toThrow('pendingItems.warning');
    await expect(getHealth({ ...deps, thresholds: { nonsense: { warning: 1 } } as never })).rejects.toThrow('unknown health threshold group "nonsense"');
  });

  it('answers "emergency: database unreachable" instead of throwing when the database is gone', async () => {
    const lost = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: 'postgres://tds:pa55word@127.0.0.1:1/nowhere', connectionTimeoutMillis: 2000 }) }),
    });
    try {
      const h = await getHealth({ db: lost, organizationId: ORG });
      expect(h.status).toBe('emergency');
      expect(h.alerts.map((a) => a.code)).toEqual(['database_unreachable']);
      expect(JSON.stringify(h)).not.toContain('pa55word');

      const seen: AlertNotice[] = [];
      const monitor = createHealthMonitor({ db: lost, organizationId: ORG, sinks: [createCallbackAlertSink((a) => void seen.push(a))] });
      await monitor.check();
      await monitor.check();
      expect(seen.map((a) => `${a.event}:${a.code}`)).toEqual(['opened:database_unreachable']);
    } finally {
      await lost.destroy();
    }
  });
});

describe('alerts', () => {
  it('opens one alert per condition, keeps it while the condition lasts, and resolves it once when it clears', async () => {
    await seedHealthy();
    const seen: AlertNotice[] = [];
    const monitor = createHealthMonitor({ ...deps, sinks: [createCallbackAlertSink((a) => void seen.push(a))] });

    await seedDeadLetters(2);
    const first = await monitor.check();
    expect(first.alerts.opened.map((a) => a.code)).toEqual(['dead_letters']);
    await seedDeadLetters(1);
    const second = await monitor.check();
    expect(second.alerts.opened).toEqual([]);
    await monitor.check();

    const rows = await t.db.selectFrom('tds_alerts').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ code: 'dead_letters', level: 'warning', resolved_at: null });
    expect(rows[0].message).toContain('3 dead-lettered items need a decision');

    await sql`UPDATE tds_dead_letter_queue SET retried_at = now()`.execute(t.db);
    const cleared = await monitor.check();
    expect(cleared.alerts.resolved.map((a) => a.code)).toEqual(['dead_letters']);
    await monitor.check();

    expect(seen.map((a) => `${a.event}:${a.code}`)).toEqual(['opened:dead_letters', 'resolved:dead_letters']);
    const after = await t.db.selectFrom('tds_alerts').selectAll().execute();
    expect(after).toHaveLength(1);
    expect(after[0].resolved_at).toBeInstanceOf(Date);

    // The same condition coming back is a new alert.
    await seedDeadLetters(1, 'again', '1 minute');
    expect((await monitor.check()).alerts.opened.map((a) => a.code)).toEqual(['dead_letters']);
    expect(await t.db.selectFrom('tds_alerts').select('id').execute()).toHaveLength(2);
  });

  it('notifies an escalation, not every change of the numbers', async () => {
    await seedHealthy();
    const seen: AlertNotice[] = [];
    const sinks = [createCallbackAlertSink((a) => void seen.push(a))];
    await seedPending(60);
    await evaluateAlerts((await getHealth(deps)).findings, { db: t.db, sinks });
    await seedPending(10, { entity: 'customers' });
    await evaluateAlerts((await getHealth(deps)).findings, { db: t.db, sinks });
    await seedPending(200, { entity: 'invoices' });
    await evaluateAlerts((await getHealth(deps)).findings, { db: t.db, sinks });
    expect(seen.map((a) => `${a.event}:${a.severity}`)).toEqual(['opened:warning', 'escalated:critical']);
    const [row] = await t.db.selectFrom('tds_alerts').selectAll().execute();
    expect(row).toMatchObject({ level: 'critical', resolved_at: null });
    expect(row.message).toContain('270 items');
  });

  it('keeps one open alert per code when several processes evaluate at once', async () => {
    await seedHealthy();
    await seedDeadLetters(1);
    const findings = (await getHealth(deps)).findings;
    const results = await Promise.all(Array.from({ length: 5 }, () => evaluateAlerts(findings, { db: t.db })));
    expect(results.flatMap((r) => r.opened)).toHaveLength(1);
    expect(await t.db.selectFrom('tds_alerts').select('id').where('resolved_at', 'is', null).execute()).toHaveLength(1);
  });

  it('goes on when a sink throws, rejects or hangs; the other sinks still get the alert', async () => {
    await seedHealthy();
    await seedDeadLetters(1);
    const seen: AlertNotice[] = [];
    const logged: Array<{ obj: object; msg?: string }> = [];
    const logger = { debug() {}, info() {}, warn: (obj: object, msg?: string) => void logged.push({ obj, msg }), error() {} };
    const monitor = createHealthMonitor({
      ...deps,
      logger,
      sinkTimeoutMs: 200,
      sinks: [
        { name: 'throws', send: () => { throw new Error('sink exploded'); } },
        { name: 'rejects', send: async () => Promise.reject(new Error('sink rejected')) },
        { name: 'hangs', send: () => new Promise<void>(() => {}) },
        createCallbackAlertSink((a) => void seen.push(a)),
      ],
    });
    const result = await monitor.check();
    expect(result.alerts.opened.map((a) => a.code)).toEqual(['dead_letters']);
    expect(result.alerts.sinkFailures.map((f) => f.sink).sort()).toEqual(['hangs', 'rejects', 'throws']);
    expect(result.alerts.sinkFailures.find((f) => f.sink === 'hangs')?.error).toContain('did not answer within 200 ms');
    expect(seen.map((a) => a.code)).toEqual(['dead_letters']);
    expect(logged.filter((l) => l.msg === 'alert sink failed; evaluation goes on')).toHaveLength(3);
    expect(await t.db.selectFrom('tds_alerts').select('code').execute()).toEqual([{ code: 'dead_letters' }]);
  });

  it('logs alerts through the logger sink at a level that matches their severity', async () => {
    const lines: Array<{ level: string; msg?: string }> = [];
    const record = (level: string) => (_obj: object, msg?: string) => void lines.push({ level, msg });
    const sink = createLoggerAlertSink({ debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') });
    await seedHealthy();
    await seedPending(1, { age: '7 hours' });
    const monitor = createHealthMonitor({ ...deps, sinks: [sink] });
    await monitor.check();
    await sql`DELETE FROM tds_sync_queue`.execute(t.db);
    await monitor.check();
    expect(lines).toEqual([
      { level: 'error', msg: expect.stringContaining('alert: sync has been stopped') },
      { level: 'info', msg: expect.stringContaining('alert resolved: sync has been stopped') },
    ]);
  });

  it('posts alerts as Slack-compatible JSON to a webhook on a real HTTP server', async () => {
    const received: Array<{ path: string; contentType: string | undefined; body: { text: string; alert: AlertNotice } }> = [];
    let failNext = false;
    const server: Server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.statusCode = failNext ? 500 : 200;
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await seedHealthy();
      await sql`UPDATE zoho_oauth_tokens SET last_error = 'Zoho refused the token refresh (invalid_code)', last_error_at = now(), expires_at = now() - interval '1 minute'`.execute(t.db);
      const monitor = createHealthMonitor({ ...deps, sinks: [createWebhookAlertSink({ url: `http://127.0.0.1:${port}/hooks/tds?key=hook-secret` })] });
      const first = await monitor.check();
      expect(first.alerts.sinkFailures).toEqual([]);
      expect(received).toHaveLength(1);
      expect(received[0].path).toBe('/hooks/tds?key=hook-secret');
      expect(received[0].contentType).toBe('application/json');
      expect(received[0].body.alert).toMatchObject({ event: 'opened', code: 'zoho_credential_invalid', severity: 'critical' });
      expect(received[0].body.text).toContain('🔴 CRITICAL [zoho_credential_invalid]');
      expect(received[0].body.text).toContain('ZOHO_REFRESH_TOKEN');

      failNext = true;
      await sql`UPDATE zoho_oauth_tokens SET last_error = NULL, last_error_at = NULL`.execute(t.db);
      const second = await monitor.check();
      expect(second.alerts.resolved.map((a) => a.code)).toEqual(['zoho_credential_invalid']);
      expect(second.alerts.sinkFailures).toEqual([{ sink: 'webhook', code: 'zoho_credential_invalid', error: 'Error: alert webhook answered HTTP 500' }]);
      expect(JSON.stringify(second.alerts.sinkFailures)).not.toContain('hook-secret');
      expect(received.map((r) => r.body.alert.event)).toEqual(['opened', 'resolved']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses a webhook sink without a usable URL', () => {
    expect(() => createWebhookAlertSink({ url: 'not a url' })).toThrow('absolute http(s) URL');
    expect(() => createWebhookAlertSink({ url: 'ftp://example.com/x' })).toThrow('absolute http(s) URL');
  });
});

describe('reports and metrics', () => {
  const SECRETS = { clientSecret: 'cs-9f8e7d6c5b4a-client-secret', accessToken: '1000.aaaabbbbccccdddd1111.eeeeffff0000aaaa2222', refreshToken: '1000.1234567890abcdef1234.fedcba0987654321fedc' };

  async function seedSecretLookingErrors(): Promise<void> {
    await seedWorkers(1);
    await seedAllSynced();
    await seedToken({
      accessToken: SECRETS.accessToken,
      expiresIn: '-1 minute',
      lastError: `Zoho refused the token refresh (invalid_code) for refresh_token=${SECRETS.refreshToken}&client_secret=${SECRETS.clientSecret}`,
    });
    await seedDeadLetters(2, `HTTP 401 with Authorization: Zoho-oauthtoken ${SECRETS.accessToken}`);
    await sql`
INSERT INTO tds_sync_queue (entity_type, zoho_id, status, retry_count, last_error)
SELECT 'customers', 'c' || i, 'pending', 1, 'token endpoint said: client secret ' || ${SECRETS.clientSecret} || ' rejected'
FROM generate_series(1, 7) i`.execute(t.db);
    await sql`INSERT INTO tds_heal_log (action, outcome, details) VALUES ('restart_stalled_workers', 'failure', ${JSON.stringify({ restart_error: `boom ${SECRETS.refreshToken}` })}::jsonb)`.execute(t.db);
  }

  it('never shows a secret in health, reports, metrics or alerts, even when stored error texts quote one', async () => {
    await seedSecretLookingErrors();
    const seen: AlertNotice[] = [];
    const service = createHealthService({ ...deps, secrets: [SECRETS.clientSecret], sinks: [createCallbackAlertSink((a) => void seen.push(a))] });
    const outputs = [
      JSON.stringify(await service.get()),
      JSON.stringify(await service.check()),
      await service.report('text'),
      JSON.stringify(await service.report('json')),
      (await service.metrics()).body,
      JSON.stringify(seen),
      JSON.stringify(await t.db.selectFrom('tds_alerts').selectAll().execute()),
    ];
    const text = await service.report('text');
    expect(text).toContain('zoho_credential_invalid');
    expect(text).toContain('[REDACTED]');
    for (const output of outputs) {
      for (const secret of Object.values(SECRETS)) expect(output).not.toContain(secret);
    }
  });

  it('renders the status report and the error report from a seeded database', async () => {
    await seedWorkers(2);
    await seedAllSynced();
    await seedSyncState('bills', '30 hours 30 minutes');
    await seedToken();
    await seedPending(3, { age: '2 minutes 30 seconds' });
    await sql`
INSERT INTO tds_sync_queue (entity_type, zoho_id, status, locked_by, locked_at, locked_until)
VALUES ('invoices', 'inv-1', 'processing', 'w', now(), now() + interval '1 minute')`.execute(t.db);
    await seedCompleted(10, { delaySeconds: 4 });
    await seedDeadLetters(1, 'Invalid Zoho item 4000000123: rate: expected a decimal');
    await sql`INSERT INTO tds_heal_log (action, outcome, details, created_at) VALUES ('clear_stuck_locks', 'success', '{"cleared": 2}', now() - interval '35 minutes 30 seconds')`.execute(t.db);

    const report = await buildHealthReport(deps);
    const time = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/;
    const status = renderStatusReport(report).split('\n');
    expect(status[0].replace('🔍 TDS Sync Health Check - ', '')).toMatch(time);
    expect(status.slice(1).join('\n')).toBe(
      [
        '============================================================',
        'Organization: 123456789',
        'Overall status: ⚠️  WARNING',
        '',
        '📊 Queue Status:',
        '  ✅ Pending: 3 items (due now 3)',
        '  ⏳ Processing: 1 item',
        '  ✅ Completed: 10 items (last 24h)',
        '  ✅ Failed: 0 items, retrying: 0',
        '',
        '📥 Dead Letter Queue:',
        '  ⚠️  Unresolved: 1 (total 1, added last 24h 1)',
        '',
        '⏰ Last Sync:',
        '  ✅ products: 5 min ago',
        '  ✅ customers: 5 min ago',
        '  ✅ invoices: 5 min ago',
        '  ⚠️  bills: 1 d 6 h ago',
        '  ✅ stock: 5 min ago',
        '  ✅ pricelists: 5 min ago',
        '',
        '👷 Workers:',
        '  ✅ Status: running (2 alive, 0 crashed, 2 known)',
        '  ✅ Processing rate: 0/min',
        '',
        '🔐 Zoho API:',
        '  ✅ Token: valid, expires in 50 min (refreshed 3 times)',
        '  ✅ Credential: accepted',
        '  ✅ Rate limit: 100 of 100 requests left this window (0 in flight)',
        '  ✅ Daily quota: not reported yet',
        '  🔒 Tokens at rest: plain (set TDS_ENCRYPTION_KEY to encrypt them)',
        '  🔒 Webhook authentication: HMAC signature (ZOHO_WEBHOOK_SECRET)',
        '',
        '⏱️  Sync Delay:',
        '  ✅ Oldest pending: 2 min',
        '  Receipt to applied (last 24h): p50 4 s, p95 4 s, average 4 s over 10 items',
        '',
        '📈 Success Metrics (last 24h):',
        '  Reliability: 90.91 %',
        '  Backlog: 3 items',
        '  Average delay: 4 s',
        '  Failed: 9.09 %',
        '  Auto-heal success: 100 %',
        '  ✅ Verified reliability: not measured (no verify checked a record in the last 24 h)',
        '',
        '⚠️  Issues Detected:',
        '  1. 🟡 WARNING [entity_stale:bills] bills last synced 1 d 6 h ago',
        '  2. 🟡 WARNING [dead_letters] 1 dead-lettered item needs a decision (warning above 0)',
        '',
        '🔧 Auto-Heal Actions (last 24h):',
        '  ✅ clear_stuck_locks: cleared 2 (35 min ago)',
        '',
        '📈 Recommendations:',
        '  - Run `tds sync bills` (add --full for a first sync) and check that Zoho webhooks for bills reach /api/zoho/webhooks/bills.',
        '  - Inspect them with `tds dlq list`; fix the cause (data, mapping, permissions), then replay with `tds dlq retry <id|--all>` or close with `tds dlq resolve <id> --note "…"`.',
        '============================================================',
      ].join('\n'),
    );

    const errors = renderErrorReport(report).split('\n');
    expect(errors[0].replace('🚨 TDS Error Report - ', '')).toMatch(time);
    expect(errors.slice(1).join('\n')).toBe(
      [
        '============================================================',
        'Organization: 123456789',
        'Overall status: ⚠️  WARNING',
        'Findings: 2 (2 warning)',
        '',
        '1. 🟡 WARNING · sync · entity_stale:bills',
        '   Problem:     bills last synced 1 d 6 h ago',
        `   Evidence:    - last sync ${report.health.last_sync_timestamps.bills} (warning after 24 h)`,
        '   Remediation: Run `tds sync bills` (add --full for a first sync) and check that Zoho webhooks for bills reach /api/zoho/webhooks/bills.',
        '',
        '2. 🟡 WARNING · dead-letter-queue · dead_letters',
        '   Problem:     1 dead-lettered item needs a decision (warning above 0)',
        '   Evidence:    - 1 added in the last 24 h, 1 in total',
        '                - [1×] Invalid Zoho item 4000000123: rate: expected a decimal',
        '   Remediation: Inspect them with `tds dlq list`; fix the cause (data, mapping, permissions), then replay with `tds dlq retry <id|--all>` or close with `tds dlq resolve <id> --note "…"`.',
        '',
        '============================================================',
      ].join('\n'),
    );

    const json = report as unknown as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(['findings', 'generated_at', 'heal', 'health', 'open_alerts']);
    expect(report.heal.success_rate_24h).toEqual({ success: 1, failure: 0, noop: 0, rate: 1 });
  });

  it('says so when there is nothing wrong', async () => {
    await seedHealthy();
    const report = await buildHealthReport(deps);
    expect(renderErrorReport(report)).toContain('Findings: 0\n\n✅ No problems found.');
    const status = renderStatusReport(report);
    expect(status).toContain('Overall status: ✅ HEALTHY');
    expect(status).toContain('⚠️  Issues Detected:\n  ✅ None');
    expect(status).toContain('  - Nothing to do; keep monitoring.');
  });

  it('exposes Prometheus metrics on a registry of its own, in a format that parses', async () => {
    await seedHealthy();
    await seedSyncState('bills', '2 hours');
    await sql`DELETE FROM tds_sync_state WHERE entity = 'stock'`.execute(t.db);
    await seedPending(3);
    await seedPending(2, { entity: 'customers', retryCount: 1, age: '11 seconds' });
    await seedCompleted(4, { ago: '1 minute', delaySeconds: 6 });
    await seedDeadLetters(2);
    await sql`INSERT INTO tds_heal_log (action, outcome) VALUES ('a', 'success'), ('b', 'success'), ('c', 'success'), ('d', 'failure'), ('e', 'noop')`.execute(t.db);

    const metrics = createHealthMetrics();
    metrics.zohoHooks.onResponse?.({ method: 'GET', api: 'books', endpoint: '/items', attempt: 1, status: 429, durationMs: 120 });
    metrics.zohoHooks.onResponse?.({ method: 'GET', api: 'books', endpoint: '/items', attempt: 2, status: 200, durationMs: 80 });
    metrics.zohoHooks.onTokenRefresh?.({ ok: true, durationMs: 30 });
    const handlers = metrics.instrumentHandlers({
      products: async (items) => items.map((i) => ({ id: i.id, status: 'completed' as const })),
    });
    await handlers.products([{ id: '1' }, { id: '2' }] as never, { workerId: 'w', signal: new AbortController().signal });

    const { contentType, body } = await metrics.collect(deps);
    expect(contentType).toContain('text/plain');
    const series = new Map<string, number>();
    for (const line of body.split('\n')) {
      if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
      // Value syntax of the text format: a float, +Inf/-Inf, or NaN (Prometheus reads it case-insensitively; prom-client writes "Nan").
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (-?(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?|\+Inf|-Inf|nan))$/i.exec(line);
      expect(match, `unparseable metrics line: ${line}`).not.toBeNull();
      const value = match![2];
      series.set(match![1], value === '+Inf' ? Infinity : /^nan$/i.test(value) ? Number.NaN : Number(value));
    }
    expect(series.get('tds_queue_items{status="pending"}')).toBe(5);
    expect(series.get('tds_queue_items{status="retrying"}')).toBe(2);
    expect(series.get('tds_queue_items_by_entity{entity="customers",status="pending"}')).toBe(2);
    expect(series.get('tds_items_finished_last_24h{entity="products",outcome="completed"}')).toBe(4);
    expect(series.get('tds_items_finished_last_24h{entity="products",outcome="dead_lettered"}')).toBe(2);
    expect(series.get('tds_dead_letter_items{state="unresolved"}')).toBe(2);
    expect(series.get('tds_last_sync_age_seconds{entity="bills"}')).toBeGreaterThanOrEqual(7200);
    expect(series.get('tds_last_sync_age_seconds{entity="stock"}')).toBe(Infinity);
    expect(series.get('tds_workers_alive')).toBe(2);
    expect(series.get('tds_processing_rate_per_minute')).toBe(0.8);
    expect(series.get('tds_sync_delay_seconds')).toBeGreaterThanOrEqual(11);
    expect(series.get('tds_sync_delay_quantile_seconds{quantile="0.5"}')).toBe(6);
    expect(series.get('tds_zoho_token_expires_in_seconds')).toBeGreaterThan(2900);
    expect(series.get('tds_zoho_token_valid')).toBe(1);
    expect(series.get('tds_zoho_rate_limit_remaining')).toBe(100);
    expect(series.get('tds_zoho_daily_quota_remaining')).toBeNaN();
    expect(series.get('tds_heal_success_ratio')).toBe(0.75);
    expect(series.get('tds_health_status')).toBe(1);
    expect(series.get('tds_zoho_requests_total{api="books",status="429"}')).toBe(1);
    expect(series.get('tds_zoho_429_total')).toBe(1);
    expect(series.get('tds_zoho_token_refreshes_total{outcome="ok"}')).toBe(1);
    expect(series.get('tds_items_processed_total{entity="products",outcome="completed"}')).toBe(2);
    expect(series.get('tds_batch_duration_seconds_count{entity="products"}')).toBe(1);

    // Gauges follow the database: a label that disappeared is gone on the next scrape.
    await sql`DELETE FROM tds_sync_queue WHERE entity_type = 'customers'`.execute(t.db);
    const again = (await metrics.collect(deps)).body;
    expect(again).not.toContain('tds_queue_items_by_entity{entity="customers"');
    expect(again).toContain('tds_queue_items{status="pending"} 3');
  });
});
