import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createZohoClient, type ZohoClient } from '@tsh/zoho-client';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { SyncAlreadyRunningError, syncEntity, type SyncDeps, type SyncMode, type SyncRunResult } from '../src/sync';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { waitFor } from './helpers/wait-for';
import { compareProducts } from './sync-fixtures';

// Sync run locks (docs/zoho-client-robustness.md, "Sync run locks"): a run whose lock connection
// dies stops cleanly, and two runs of one entity never write at the same time.

let t: TestDatabase;
let sandbox: ZohoSandbox;
let zoho: ZohoClient;
let deps: SyncDeps;
const children: ChildProcess[] = [];
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

const ITEMS = 600;

beforeAll(async () => {
  [t, sandbox] = await Promise.all([
    createTestDatabase(),
    startZohoSandbox({ seed: 'run-lock', items: ITEMS, customers: 5, vendors: 1, invoices: 2, bills: 1, pricebooks: 3, requestsPerMinute: 100_000, maxConcurrent: 50 }),
  ]);
  zoho = createZohoClient({
    organizationId: sandbox.organizationId,
    credentials: sandbox.credentials,
    accountsUrl: sandbox.accountsUrl,
    apiUrl: sandbox.apiUrl,
    requestsPerMinute: 100_000,
    maxConcurrent: 50,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    maxRetries: 2,
  });
  deps = { db: t.db, zoho };
  expect((await syncEntity(deps, 'pricelists', { mode: 'full' })).status).toBe('succeeded');
  expect((await syncEntity(deps, 'products', { mode: 'full' })).status).toBe('succeeded');

  // Every write to products is logged with the fence of the run that made it (the run lock leaves
  // it in tds.sync_run_fence) and the server's clock. Once `after_writes` run writes are logged,
  // the trigger kills the backend of the connection holding the products run lock: an interleaving
  // point chosen by the test, inside the run's write stream.
  await sql`CREATE TABLE test_sync_writes (fence bigint, at timestamptz NOT NULL, zoho_item_id text)`.execute(t.db);
  await sql`CREATE TABLE test_kill (after_writes integer NOT NULL, done boolean NOT NULL DEFAULT false)`.execute(t.db);
  await sql`
    CREATE FUNCTION test_log_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO test_sync_writes VALUES (nullif(current_setting('tds.sync_run_fence', true), '')::bigint, clock_timestamp(), NEW.zoho_item_id);
      UPDATE test_kill SET done = true
      WHERE NOT done AND (SELECT count(*) FROM test_sync_writes w WHERE w.fence IS NOT NULL) >= after_writes;
      IF FOUND THEN
        PERFORM pg_terminate_backend(holder_pid) FROM tds_sync_leases WHERE entity = 'products';
      END IF;
      RETURN NEW;
    END $$`.execute(t.db);
  await sql`CREATE TRIGGER test_log_write AFTER INSERT OR UPDATE ON products FOR EACH ROW EXECUTE FUNCTION test_log_write()`.execute(t.db);
}, 120_000);
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
afterAll(async () => {
  await Promise.all([t?.close(), sandbox?.close()]);
});

/** Zoho's version of every item becomes newer than the stored one, so the next pass rewrites all of them. */
async function makeEveryItemStale(): Promise<void> {
  await sql`ALTER TABLE products DISABLE TRIGGER test_log_write`.execute(t.db);
  await sql`UPDATE products SET zoho_last_modified_time = zoho_last_modified_time - interval '1 day'`.execute(t.db);
  await sql`ALTER TABLE products ENABLE TRIGGER test_log_write`.execute(t.db);
  await sql`TRUNCATE test_sync_writes, test_kill`.execute(t.db);
}

const currentFence = async () =>
  Number((await sql<{ fence: string }>`SELECT fence FROM tds_sync_leases WHERE entity = 'products'`.execute(t.db)).rows[0]?.fence ?? 0);

/** Each run's write window: first and last write, by the server's clock. */
async function writeWindows(): Promise<Array<{ fence: number; first: Date; last: Date; writes: number }>> {
  const { rows } = await sql<{ fence: string; first: Date; last: Date; writes: string }>`
    SELECT fence, min(at) AS first, max(at) AS last, count(*) AS writes FROM test_sync_writes
    WHERE fence IS NOT NULL GROUP BY fence ORDER BY fence`.execute(t.db);
  return rows.map((r) => ({ fence: Number(r.fence), first: r.first, last: r.last, writes: Number(r.writes) }));
}

/** Retries while the entity's lock is held, as the scheduler does on its next tick. */
async function syncWhenFree(mode: SyncMode, since: Date | undefined, pause: () => number): Promise<SyncRunResult> {
  for (;;) {
    try {
      return await syncEntity(deps, 'products', { mode, since });
    } catch (error) {
      if (!(error instanceof SyncAlreadyRunningError)) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause()));
    }
  }
}

/** The same, in another Node process (test/fixtures/sync-child.ts). */
function syncInChild(mode: SyncMode, since: Date | undefined): Promise<{ status: string; error: string | null; runId: string }> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'test/fixtures/sync-child.ts'], {
    cwd: packageDir,
    env: {
      ...process.env,
      TDS_TEST_DB_URL: t.url,
      SANDBOX_JSON: JSON.stringify({ accountsUrl: sandbox.accountsUrl, apiUrl: sandbox.apiUrl, organizationId: sandbox.organizationId, credentials: sandbox.credentials }),
      SYNC_ENTITY: 'products',
      SYNC_MODE: mode,
      SYNC_SINCE: since?.toISOString() ?? '',
    },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  return new Promise((resolve, reject) => {
    child.on('message', (message: { type: string; result?: { status: string; error: string | null; runId: string } }) => {
      if (message.type === 'result') resolve(message.result!);
    });
    child.once('exit', (code) => reject(new Error(`sync child exited (${code}) without a result: ${stderr}`)));
  });
}

function seeded(seed: number) {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('sync run lock', () => {
  it('pg_terminate_backend on the lock connection during a full sync: the run aborts naming the cause, the next run completes correctly', { timeout: 120_000 }, async () => {
    await makeEveryItemStale();
    const [gone] = sandbox.store.idsOf('item');
    sandbox.store.delete('item', gone);
    let killed: Promise<unknown> | undefined;
    const aborted = await syncEntity(deps, 'products', {
      mode: 'full',
      onProgress: (p) => {
        if (p.phase === 'fetching' && p.pages === 1 && !killed) {
          killed = sql`SELECT pg_terminate_backend(holder_pid) FROM tds_sync_leases WHERE entity = 'products'`.execute(t.db);
        }
      },
    });
    await killed;
    expect(aborted.status).toBe('failed');
    expect(aborted.error).toMatch(/sync run lock of products was lost/);
    expect(aborted.counts.pages).toBeLessThan(ITEMS / 200);
    const run = await t.db.selectFrom('tds_sync_runs').selectAll().where('id', '=', aborted.runId).executeTakeFirstOrThrow();
    expect(run).toMatchObject({ status: 'failed', error: expect.stringMatching(/lock of products was lost/) });
    const deletedEarly = await t.db.selectFrom('products').select('deleted_at').where('zoho_item_id', '=', gone).executeTakeFirstOrThrow();
    expect(deletedEarly.deleted_at).toBeNull(); // a partial pass reconciles nothing
    expect(Number((await sql<{ n: string }>`SELECT count(*) AS n FROM tds_sync_seen_ids`.execute(t.db)).rows[0]!.n)).toBe(0);

    const next = await syncEntity(deps, 'products', { mode: 'full' });
    expect({ status: next.status, error: next.error }).toEqual({ status: 'succeeded', error: null });
    expect(next.counts.deleted).toBe(1);
    expect(await compareProducts(t.db, sandbox.store)).toEqual([]);
    expect(Number((await sql<{ n: string }>`SELECT count(*) AS n FROM tds_sync_seen_ids`.execute(t.db)).rows[0]!.n)).toBe(0);
  });

  async function interleaving(seed: number, where: 'same process' | 'two processes') {
    const random = seeded(seed);
    const mode: SyncMode = random() < 0.5 ? 'full' : 'incremental';
    // An incremental run from the start of time walks the whole catalogue by keyset.
    const since = mode === 'incremental' ? new Date(0) : undefined;
    await makeEveryItemStale();
    const killAfter = 1 + Math.floor(random() * (ITEMS - 150));
    await sql`INSERT INTO test_kill (after_writes) VALUES (${killAfter})`.execute(t.db);

    const before = await currentFence();
    const first = syncEntity(deps, 'products', { mode, since });
    await waitFor(async () => (await currentFence()) > before, { label: 'the first run holds the lock' });
    const second =
      where === 'same process'
        ? syncWhenFree(mode, since, () => Math.floor(random() * 4))
        : syncInChild(mode, since);
    const [one, two] = await Promise.all([first, second]);

    const label = `seed ${seed} (${mode}, kill after ${killAfter} writes, ${where})`;
    expect({ status: one.status, error: one.error }, label).toEqual({ status: 'failed', error: expect.stringMatching(/sync run lock of products was lost/) });
    expect({ status: two.status, error: two.error }, label).toEqual({ status: 'succeeded', error: null });
    const windows = await writeWindows();
    expect(windows.length, label).toBe(2);
    const [older, newer] = windows;
    expect(older.writes, label).toBeGreaterThanOrEqual(killAfter);
    // The runs' write windows do not overlap: every write of the first run is before any of the second.
    expect(older.last.getTime(), label).toBeLessThan(newer.first.getTime());
    expect(await compareProducts(t.db, sandbox.store), label).toEqual([]);
  }

  it('two runs of one entity, the first losing its lock at a seeded point of its writes: their write windows never overlap', { timeout: 240_000 }, async () => {
    for (const seed of [3, 17, 29, 101, 257, 4099]) await interleaving(seed, 'same process');
  });

  it('the same across two processes', { timeout: 240_000 }, async () => {
    for (const seed of [11, 5003]) await interleaving(seed, 'two processes');
  });
});
