import { sql } from 'kysely';
import { ZohoAuthError } from '@tsh/zoho-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHealer, HealerInputError, type HealActionResult, type HealerWorkerPool } from '../src/healer';
import { createCallbackAlertSink, getHealth, type AlertNotice } from '../src/health';
import { claim, enqueue, queueStats } from '../src/queue';
import { createWorkerPool, type BatchHandler, type WorkerPool } from '../src/workers';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

const ORG = '987654321';
let t: TestDatabase;
const pools: WorkerPool[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE tds_sync_queue, tds_dead_letter_queue, tds_workers, tds_alerts, tds_heal_log, zoho_oauth_tokens RESTART IDENTITY`.execute(t.db);
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.stop({ graceMs: 0 })));
});

const actionOf = (actions: HealActionResult[], name: string) => {
  const found = actions.find((a) => a.action === name);
  if (!found) throw new Error(`no ${name} action in ${JSON.stringify(actions)}`);
  return found;
};
const healLog = () => t.db.selectFrom('tds_heal_log').selectAll().orderBy('id').execute();
const queueRows = () => t.db.selectFrom('tds_sync_queue').selectAll().orderBy('id').execute();

/** Items due since `age` ago, as webhooks left them. */
async function seedReady(count: number, age: string): Promise<void> {
  await sql`
INSERT INTO tds_sync_queue (entity_type, zoho_id, created_at, run_after)
SELECT 'products', 'item-' || i, now() - ${age}::interval, now() - ${age}::interval FROM generate_series(1, ${count}::int) i`.execute(t.db);
}

describe('healer: queue repairs', () => {
  it('returns items locked longer than the limit to pending and logs it; fresh locks are left alone', async () => {
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'stuck' });
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'fresh' });
    const claimed = await claim(t.db, { workerId: 'gone-worker', batchSize: 2, leaseSeconds: 3600 });
    expect(claimed).toHaveLength(2);
    const stuck = claimed.find((c) => c.zoho_id === 'stuck')!;
    await sql`UPDATE tds_sync_queue SET locked_at = now() - interval '31 minutes' WHERE id = ${stuck.id}`.execute(t.db);

    const healer = createHealer({ db: t.db, organizationId: ORG });
    const run = await healer.runOnce();
    expect(actionOf(run.actions, 'clear_stuck_locks')).toMatchObject({ outcome: 'success', details: { cleared: 1, ids: [stuck.id] } });

    const rows = await queueRows();
    expect(rows.find((r) => r.zoho_id === 'stuck')).toMatchObject({ status: 'pending', locked_by: null, locked_at: null, retry_count: 0 });
    expect(rows.find((r) => r.zoho_id === 'fresh')).toMatchObject({ status: 'processing', locked_by: 'gone-worker' });
    const logged = (await healLog()).filter((l) => l.action === 'clear_stuck_locks');
    expect(logged).toEqual([expect.objectContaining({ outcome: 'success', details: expect.objectContaining({ cleared: 1 }) })]);

    const again = await healer.runOnce();
    expect(actionOf(again.actions, 'clear_stuck_locks')).toMatchObject({ outcome: 'noop', details: { cleared: 0 } });
  });

  it('honours a configured stuck-lock limit', async () => {
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'a' });
    await claim(t.db, { workerId: 'w', batchSize: 1, leaseSeconds: 3600 });
    await sql`UPDATE tds_sync_queue SET locked_at = now() - interval '6 minutes'`.execute(t.db);
    expect(actionOf((await createHealer({ db: t.db, organizationId: ORG }).runOnce()).actions, 'clear_stuck_locks').outcome).toBe('noop');
    const eager = createHealer({ db: t.db, organizationId: ORG, options: { stuckLockMinutes: 5 } });
    expect(actionOf((await eager.runOnce()).actions, 'clear_stuck_locks').outcome).toBe('success');
  });

  it('re-queues failed items that still have retries, dead-letters those that have none', async () => {
    await sql`
INSERT INTO tds_sync_queue (entity_type, zoho_id, status, retry_count, max_retries, last_error, run_after) VALUES
  ('products', 'retry-me', 'failed', 2, 5, 'Zoho answered 503', now() + interval '1 hour'),
  ('customers', 'out-of-retries', 'failed', 5, 5, 'Invalid Zoho contact: email', now()),
  ('invoices', 'fine', 'pending', 0, 5, NULL, now())`.execute(t.db);
    const healer = createHealer({ db: t.db, organizationId: ORG });
    const run = await healer.runOnce();
    expect(actionOf(run.actions, 'requeue_failed')).toMatchObject({ outcome: 'success', details: { requeued: 1 } });
    expect(actionOf(run.actions, 'dead_letter_exhausted')).toMatchObject({ outcome: 'success', details: { moved: 1 } });

    const rows = await queueRows();
    expect(rows.map((r) => [r.zoho_id, r.status, r.retry_count])).toEqual([
      ['retry-me', 'pending', 2],
      ['fine', 'pending', 0],
    ]);
    expect(rows[0].run_after.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    const dead = await t.db.selectFrom('tds_dead_letter_queue').selectAll().execute();
    expect(dead).toEqual([expect.objectContaining({ zoho_id: 'out-of-retries', error: 'Invalid Zoho contact: email', retry_count: 5 })]);
  });

  it('merges a re-queued failed item into a newer pending one of the same record instead of losing either', async () => {
    await sql`
INSERT INTO tds_sync_queue (entity_type, zoho_id, status, retry_count, zoho_last_modified_time, payload) VALUES
  ('products', 'same', 'failed', 1, '2025-06-01T10:00:00Z', '{"v": "old"}'),
  ('products', 'same', 'pending', 0, '2025-06-02T10:00:00Z', '{"v": "new"}')`.execute(t.db);
    const run = await createHealer({ db: t.db, organizationId: ORG }).runOnce();
    expect(actionOf(run.actions, 'requeue_failed')).toMatchObject({ outcome: 'success', details: { requeued: 1 } });
    const rows = await queueRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'pending', payload: { v: 'new' }, retry_count: 1 });
  });
});

describe('healer: stalled workers', () => {
  it('restarts a stalled pool in-process and sees it resume', async () => {
    // The first batch hangs until aborted (a wedged worker); after a restart batches complete.
    let calls = 0;
    const wedgedOnce: BatchHandler = async (items, ctx) => {
      calls++;
      if (calls === 1) {
        await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }));
      }
      return items.map((i) => ({ id: i.id, status: 'completed' as const }));
    };
    await seedReady(3, '20 minutes');
    const pool = createWorkerPool({ db: t.db, pool: t.pool, handlers: { products: wedgedOnce }, concurrency: 1, batchSize: 1, pollIntervalMs: 20, leaseSeconds: 30 });
    pools.push(pool);
    await pool.start();
    await expect.poll(() => calls, { timeout: 10_000 }).toBe(1);
    expect((await queueStats(t.db)).completed).toBe(0);

    const healer = createHealer({ db: t.db, organizationId: ORG, workerPool: pool, options: { restartGraceMs: 100, resumeTimeoutMs: 15_000, resumePollMs: 25 } });
    const run = await healer.runOnce();
    const restart = actionOf(run.actions, 'restart_stalled_workers');
    expect(restart).toMatchObject({ outcome: 'success', details: { stalled: true, restarted: true, resumed: true, signal: 'completion' } });
    expect(restart.details.ready).toBe(2);

    await expect.poll(async () => (await queueStats(t.db)).completed, { timeout: 10_000 }).toBe(3);
    expect(pool.status().state).toBe('running');
    expect((await healLog()).filter((l) => l.action === 'restart_stalled_workers')).toEqual([expect.objectContaining({ outcome: 'success' })]);
  });

  it('does not call fresh work after a long idle period a stall', async () => {
    let restarts = 0;
    const pool: HealerWorkerPool = { restart: async () => void restarts++ };
    await sql`INSERT INTO tds_sync_queue (entity_type, zoho_id, status, completed_at, created_at) VALUES ('products', 'old', 'completed', now() - interval '3 hours', now() - interval '3 hours')`.execute(t.db);
    await seedReady(5, '1 minute');
    const run = await createHealer({ db: t.db, organizationId: ORG, workerPool: pool }).runOnce();
    expect(actionOf(run.actions, 'restart_stalled_workers')).toMatchObject({ outcome: 'noop', details: { stalled: false } });
    expect(restarts).toBe(0);
  });

  it('logs a failure and raises a critical alert when the restarted pool does not resume', async () => {
    let restarts = 0;
    const deadPool: HealerWorkerPool = { restart: async () => void restarts++, status: () => ({ state: 'running' }) };
    await seedReady(2, '30 minutes');
    const seen: AlertNotice[] = [];
    const healer = createHealer({
      db: t.db,
      organizationId: ORG,
      workerPool: deadPool,
      sinks: [createCallbackAlertSink((a) => void seen.push(a))],
      options: { resumeTimeoutMs: 200, resumePollMs: 20 },
    });
    const run = await healer.runOnce();
    expect(restarts).toBe(1);
    expect(actionOf(run.actions, 'restart_stalled_workers')).toMatchObject({ outcome: 'failure', details: { restarted: true, resumed: false, signal: 'none' } });
    expect(seen.map((a) => `${a.event}:${a.code}:${a.severity}`)).toEqual(['opened:workers_stalled:critical']);

    // Right after a restart the healer gives the pool time instead of restarting in a loop.
    const next = await healer.runOnce();
    expect(actionOf(next.actions, 'restart_stalled_workers')).toMatchObject({ outcome: 'noop', details: { skipped: 'restarted recently; giving it time' } });
    expect(restarts).toBe(1);

    // Once work flows again the alert closes.
    await sql`UPDATE tds_sync_queue SET status = 'completed', completed_at = now()`.execute(t.db);
    await healer.runOnce();
    expect(seen.map((a) => `${a.event}:${a.code}`)).toEqual(['opened:workers_stalled', 'resolved:workers_stalled']);
  });

  it('records a restart that throws as a failure', async () => {
    const broken: HealerWorkerPool = { restart: async () => Promise.reject(new Error('pool refused to start')) };
    await seedReady(1, '16 minutes');
    const run = await createHealer({ db: t.db, organizationId: ORG, workerPool: broken }).runOnce();
    expect(actionOf(run.actions, 'restart_stalled_workers')).toMatchObject({ outcome: 'failure', details: { restarted: false, restart_error: 'Error: pool refused to start' } });
  });

  it('only reports a stall when this process runs no pool, and does not restart for a dead credential', async () => {
    await seedReady(1, '20 minutes');
    const withoutPool = await createHealer({ db: t.db, organizationId: ORG }).runOnce();
    expect(actionOf(withoutPool.actions, 'restart_stalled_workers')).toMatchObject({ outcome: 'noop', details: { stalled: true, skipped: 'no worker pool runs in this process' } });

    let restarts = 0;
    await sql`INSERT INTO zoho_oauth_tokens (organization_id, last_error, last_error_at) VALUES (${ORG}, 'Zoho refused the token refresh (invalid_code)', now())`.execute(t.db);
    const run = await createHealer({ db: t.db, organizationId: ORG, workerPool: { restart: async () => void restarts++ } }).runOnce();
    expect(actionOf(run.actions, 'restart_stalled_workers').details.skipped).toContain('Zoho credential refused (invalid_code)');
    expect(restarts).toBe(0);
  });
});

describe('healer: Zoho credential', () => {
  it('raises one critical alert that says how to re-authorize when invalid_code is recorded, and closes it after a good refresh', async () => {
    await sql`
INSERT INTO zoho_oauth_tokens (organization_id, access_token, expires_at, last_error, last_error_at)
VALUES (${ORG}, 'old-token', now() - interval '1 minute',
  'Zoho refused the token refresh (invalid_code): the refresh token is invalid, expired or revoked.', now())`.execute(t.db);
    const seen: AlertNotice[] = [];
    const healer = createHealer({ db: t.db, organizationId: ORG, sinks: [createCallbackAlertSink((a) => void seen.push(a))] });

    const first = await healer.runOnce();
    expect(actionOf(first.actions, 'check_zoho_credential')).toMatchObject({ outcome: 'failure', target: 'invalid_code', details: { alert: 'opened' } });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ event: 'opened', code: 'zoho_credential_invalid', severity: 'critical' });
    expect(seen[0].remediation).toContain('generate a new grant code');
    expect(seen[0].remediation).toContain('Zoho API console');
    expect(seen[0].remediation).toContain('set ZOHO_REFRESH_TOKEN');

    const second = await healer.runOnce();
    expect(actionOf(second.actions, 'check_zoho_credential')).toMatchObject({ outcome: 'noop', details: { alert: 'already open' } });
    const open = await t.db.selectFrom('tds_alerts').selectAll().where('resolved_at', 'is', null).execute();
    expect(open).toEqual([expect.objectContaining({ code: 'zoho_credential_invalid', level: 'critical' })]);

    // The token store clears last_error when a refresh succeeds (after re-authorization).
    await sql`UPDATE zoho_oauth_tokens SET access_token = 'new-token', expires_at = now() + interval '1 hour', last_error = NULL, last_error_at = NULL`.execute(t.db);
    const third = await healer.runOnce();
    expect(actionOf(third.actions, 'check_zoho_credential')).toMatchObject({ outcome: 'noop', details: { credential: 'accepted', alert_resolved: true } });
    expect(seen.map((a) => a.event)).toEqual(['opened', 'resolved']);
  });

  it('takes a ZohoAuthError reported by a Zoho call, records it for every process and alerts at once', async () => {
    const seen: AlertNotice[] = [];
    const healer = createHealer({ db: t.db, organizationId: ORG, sinks: [createCallbackAlertSink((a) => void seen.push(a))] });
    expect(await healer.reportAuthError(new ZohoAuthError('network', 'Could not reach the Zoho accounts server', { retryable: true }))).toBeNull();
    expect(await healer.reportAuthError(new Error('something else'))).toBeNull();
    expect(seen).toEqual([]);

    const result = await healer.reportAuthError(new ZohoAuthError('invalid_code', 'Zoho refused the token refresh (invalid_code)'));
    expect(result).toMatchObject({ action: 'check_zoho_credential', outcome: 'failure', target: 'invalid_code' });
    expect(seen.map((a) => `${a.event}:${a.code}`)).toEqual(['opened:zoho_credential_invalid']);
    const health = await getHealth({ db: t.db, organizationId: ORG });
    expect(health.zoho_api.credential_error).toMatchObject({ reason: 'invalid_code' });

    // A second report of the same thing is not a second alert.
    await healer.reportAuthError('invalid_code');
    expect(seen).toHaveLength(1);
  });
});

describe('healer: log, success rate, replay, diagnostics', () => {
  it('logs every action of a run with its outcome and computes the auto-healing success rate', async () => {
    const healer = createHealer({ db: t.db, organizationId: ORG });
    const quiet = await healer.runOnce();
    expect(quiet.actions.map((a) => `${a.action}:${a.outcome}`)).toEqual([
      'check_zoho_credential:noop',
      'clear_stuck_locks:noop',
      'requeue_failed:noop',
      'dead_letter_exhausted:noop',
      'restart_stalled_workers:noop',
    ]);
    expect(await healer.healSuccessRate()).toEqual({ success: 0, failure: 0, noop: 5, rate: null });

    await sql`INSERT INTO tds_sync_queue (entity_type, zoho_id, status, retry_count) VALUES ('products', 'f', 'failed', 1)`.execute(t.db);
    await seedReady(1, '20 minutes');
    const busy = await createHealer({ db: t.db, organizationId: ORG, workerPool: { restart: async () => {} }, options: { resumeTimeoutMs: 50, resumePollMs: 10 } }).runOnce();
    expect(busy.actions.map((a) => `${a.action}:${a.outcome}`)).toEqual([
      'check_zoho_credential:noop',
      'clear_stuck_locks:noop',
      'requeue_failed:success',
      'dead_letter_exhausted:noop',
      'restart_stalled_workers:failure',
    ]);

    const log = await healLog();
    expect(log).toHaveLength(10);
    expect(log.map((l) => `${l.action}:${l.outcome}`)).toEqual([...quiet.actions, ...busy.actions].map((a) => `${a.action}:${a.outcome}`));
    expect(await healer.healSuccessRate()).toEqual({ success: 1, failure: 1, noop: 8, rate: 0.5 });
    expect(await healer.healSuccessRate(new Date(Date.now() + 60_000))).toEqual({ success: 0, failure: 0, noop: 0, rate: null });
    expect((await getHealth({ db: t.db, organizationId: ORG })).success_metrics.heal_success_percent).toBe(50);
  });

  it('replays dead letters on request by id, by entity or all, and logs it; an empty filter is refused', async () => {
    await sql`
INSERT INTO tds_dead_letter_queue (entity_type, zoho_id, operation, error) VALUES
  ('products', 'p1', 'upsert', 'HTTP 500'), ('products', 'p2', 'upsert', 'HTTP 500'),
  ('customers', 'c1', 'upsert', 'Invalid email'), ('invoices', 'i1', 'delete', 'timeout')`.execute(t.db);
    const healer = createHealer({ db: t.db, organizationId: ORG });

    await expect(healer.replayDeadLetters({})).rejects.toBeInstanceOf(HealerInputError);
    await expect(healer.replayDeadLetters({ ids: ['abc'] })).rejects.toThrow('positive integer ids');

    const byEntity = await healer.replayDeadLetters({ entityType: 'products' });
    expect(byEntity.replayed).toBe(2);
    const byId = await healer.replayDeadLetters({ ids: [3] });
    expect(byId.entries.map((e) => e.id)).toEqual(['3']);
    const nothing = await healer.replayDeadLetters({ entityType: 'products' });
    expect(nothing.replayed).toBe(0);
    const rest = await healer.replayDeadLetters({ all: true });
    expect(rest.entries.map((e) => e.id)).toEqual(['4']);

    const queued = await queueRows();
    expect(queued.map((r) => [r.entity_type, r.zoho_id, r.operation, r.status]).sort()).toEqual([
      ['customers', 'c1', 'upsert', 'pending'],
      ['invoices', 'i1', 'delete', 'pending'],
      ['products', 'p1', 'upsert', 'pending'],
      ['products', 'p2', 'upsert', 'pending'],
    ]);
    const log = (await healLog()).filter((l) => l.action === 'replay_dead_letters');
    expect(log.map((l) => `${l.target}:${l.outcome}`)).toEqual(['products:success', '1 id(s):success', 'products:noop', 'all:success']);
  });

  it('diagnoses problems with severity, component, evidence and a remediation hint', async () => {
    await sql`
INSERT INTO tds_sync_queue (entity_type, zoho_id, status, locked_by, locked_at, locked_until)
VALUES ('products', 'held', 'processing', 'w', now() - interval '45 minutes', now() + interval '1 minute')`.execute(t.db);
    await sql`INSERT INTO tds_sync_queue (entity_type, zoho_id, status, retry_count, max_retries, last_error) VALUES ('bills', 'b', 'failed', 5, 5, 'Zoho answered 400: bad bill')`.execute(t.db);
    await sql`
INSERT INTO tds_dead_letter_queue (entity_type, zoho_id, operation, error)
SELECT 'products', 'd' || i, 'upsert', 'Invalid Zoho item: rate' FROM generate_series(1, 3) i`.execute(t.db);
    await sql`INSERT INTO tds_sync_runs (entity, organization_id, mode, status, error, finished_at) VALUES ('invoices', ${ORG}, 'incremental', 'failed', 'Zoho answered 401 (code 57)', now())`.execute(t.db);

    const findings = await createHealer({ db: t.db, organizationId: ORG }).diagnose();
    const byCode = new Map(findings.map((f) => [f.code, f]));
    expect(byCode.get('workers_down')?.severity).toBe('warning');
    expect(byCode.get('stuck_locks')).toMatchObject({ severity: 'warning', component: 'queue', problem: '1 item has been processing for more than 30 min' });
    expect(byCode.get('stuck_locks')?.remediation).toContain('tds heal');
    expect(byCode.get('exhausted_failed_items')?.evidence).toEqual(['[1×] Zoho answered 400: bad bill']);
    expect(byCode.get('dead_letters')?.evidence).toContain('[3×] Invalid Zoho item: rate');
    expect(byCode.get('sync_run_failed:invoices')?.evidence[0]).toContain('Zoho answered 401 (code 57)');
    for (const f of findings) {
      expect(f.problem.length, f.code).toBeGreaterThan(0);
      expect(f.remediation.length, f.code).toBeGreaterThan(0);
      expect(['info', 'warning', 'critical', 'emergency']).toContain(f.severity);
    }
    const ranks = findings.map((f) => ['info', 'warning', 'critical', 'emergency'].indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
  });

  it('runs on a schedule until stopped, and concurrent runs share one pass', async () => {
    const healer = createHealer({ db: t.db, organizationId: ORG });
    const [a, b] = await Promise.all([healer.runOnce(), healer.runOnce()]);
    expect(a).toBe(b);
    healer.start(30);
    await expect.poll(async () => (await healLog()).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(15);
    await healer.stop();
    const count = (await healLog()).length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await healLog()).length).toBe(count);
    expect(() => healer.start(0)).toThrow(RangeError);
  });
});
