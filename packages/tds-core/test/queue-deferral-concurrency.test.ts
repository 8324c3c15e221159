import { sql, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/schema';
import { claim, complete, deferMany, enqueue, queueStats } from '../src/queue';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// Deferring (docs/webhooks-and-queue.md, "Waiting on Zoho is not a failed attempt") races with
// other workers claiming, completing and reclaiming the same items, and with webhooks enqueueing
// newer versions of the same records. Two "processes" (each its own connection pool) run seeded
// random interleavings; whatever the order, no version is lost, none is applied twice, and a
// deferral never counts an attempt (only a reclaimed lease does).

const RECORDS = 6;
const ROUNDS = 40;

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let t: TestDatabase;
const pools: pg.Pool[] = [];

function openProcess(): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: t.url, max: 4 });
  pool.on('error', () => undefined);
  pools.push(pool);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  for (const pool of pools) await pool.end();
  await t?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE tds_sync_queue, tds_dead_letter_queue RESTART IDENTITY`.execute(t.db);
});

interface Held {
  id: string;
  record: string;
  version: string;
  /** Its lease was made to run out: its holder is stale and may only defer it (a handler kept waiting). */
  stale: boolean;
}

interface Model {
  /** (record, version) → times a worker applied it. */
  applied: Map<string, number>;
  /** record → the newest version enqueued. */
  newest: Map<string, number>;
  /** Items whose lease was made to run out while their holder kept them. */
  expired: Set<string>;
  /** Expired items another worker claimed: each counts one attempt (the claim step's rule). */
  reclaims: number;
  deferred: number;
}

const version = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();

/** One worker: what it holds, and its moves. */
function worker(db: Kysely<Database>, workerId: string, model: Model) {
  let held: Held[] = [];
  const toHeld = (rows: Awaited<ReturnType<typeof claim>>) =>
    rows.map((r) => ({ id: String(r.id), record: r.zoho_id, version: (r.zoho_last_modified_time as Date).toISOString(), stale: false }));
  return {
    held: () => held,
    async claim(batch: number) {
      const claimed = toHeld(await claim(db, { workerId, batchSize: batch, leaseSeconds: 60 }));
      for (const h of claimed) if (model.expired.delete(h.id)) model.reclaims++;
      held.push(...claimed);
    },
    /** Defers some of what it holds (always the stale ones): they go back with no attempt counted. */
    async defer(pick: () => number) {
      const chosen = held.filter((h) => h.stale || pick() < 0.5);
      if (chosen.length === 0) return;
      held = held.filter((h) => !chosen.includes(h));
      const results = await deferMany(db, workerId, chosen.map((h) => ({ id: h.id, reason: 'waiting for a rate-limit slot' })), { maxDeferrals: 1000 });
      for (const r of results) if (r.outcome === 'deferred' || r.outcome === 'merged') model.expired.delete(r.id);
      model.deferred += results.filter((r) => r.outcome === 'deferred' || r.outcome === 'merged').length;
    },
    /** Applies what it holds (not the stale ones: their handler is still waiting), then completes it. */
    async complete() {
      const chosen = held.filter((h) => !h.stale);
      if (chosen.length === 0) return;
      held = held.filter((h) => h.stale);
      for (const h of chosen) model.applied.set(`${h.record}@${h.version}`, (model.applied.get(`${h.record}@${h.version}`) ?? 0) + 1);
      await complete(db, chosen.map((h) => h.id), workerId);
    },
  };
}

async function runInterleaving(seed: number): Promise<{ model: Model; rows: Array<{ zoho_id: string; status: string; retry_count: number; zoho_last_modified_time: Date | null; deferrals: number }> }> {
  await sql`TRUNCATE tds_sync_queue, tds_dead_letter_queue RESTART IDENTITY`.execute(t.db);
  const random = seeded(seed);
  const model: Model = { applied: new Map(), newest: new Map(), expired: new Set(), reclaims: 0, deferred: 0 };
  const [dbA, dbB] = [openProcess(), openProcess()];
  const workers = [worker(dbA, `A-${seed}`, model), worker(dbB, `B-${seed}`, model)];
  let clock = 0;
  const enqueueNewer = async (db: Kysely<Database>) => {
    const record = `rec-${Math.floor(random() * RECORDS)}`;
    const v = ++clock;
    model.newest.set(record, v);
    await enqueue(db, { entity_type: 'customers', zoho_id: record, zoho_last_modified_time: version(v), payload: { v } });
  };
  /** A lease of something a worker holds runs out: the holder goes stale, the other may reclaim it. */
  const expireOne = async (w: (typeof workers)[number]) => {
    const fresh = w.held().filter((h) => !h.stale);
    if (fresh.length === 0) return;
    const h = fresh[Math.floor(random() * fresh.length)]!;
    h.stale = true;
    model.expired.add(h.id);
    await sql`UPDATE tds_sync_queue SET locked_until = now() - interval '1 second' WHERE id = ${h.id}::bigint`.execute(t.db);
  };
  for (let i = 0; i < RECORDS; i++) await enqueueNewer(t.db);
  for (let round = 0; round < ROUNDS; round++) {
    // Two moves at once, from the two processes: the database decides their order.
    const moves = [0, 1].map((n) => {
      const w = workers[n]!;
      const db = n === 0 ? dbA : dbB;
      const r = random();
      if (r < 0.25) return w.claim(1 + Math.floor(random() * 3));
      if (r < 0.5) return w.defer(random);
      if (r < 0.65) return w.complete();
      if (r < 0.85) return enqueueNewer(db);
      return expireOne(w);
    });
    await Promise.all(moves);
  }
  // Drain: stale holders defer what they still hold, then both workers finish everything.
  for (const w of workers) await w.defer(() => 1);
  for (let i = 0; i < 200; i++) {
    await sql`UPDATE tds_sync_queue SET run_after = now() WHERE status = 'pending'`.execute(t.db);
    for (const w of workers) {
      await w.claim(10);
      await w.defer(() => 1); // stale ones only
      await w.complete();
    }
    const open = await sql<{ n: string }>`SELECT count(*) AS n FROM tds_sync_queue WHERE status IN ('pending', 'processing')`.execute(t.db);
    if (Number(open.rows[0]!.n) === 0) break;
  }
  const rows = await t.db.selectFrom('tds_sync_queue').select(['zoho_id', 'status', 'retry_count', 'zoho_last_modified_time', 'deferrals']).execute();
  return { model, rows };
}

describe('deferring while other workers claim, complete, reclaim and webhooks enqueue (queue/defer.ts)', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
    it(`seed ${seed}: nothing lost, nothing applied twice, no attempt counted for a deferral`, async () => {
      const { model, rows } = await runInterleaving(seed);
      // Nothing left open.
      expect(rows.filter((r) => r.status !== 'completed')).toEqual([]);
      // Nothing lost: every record's newest version was applied (completed).
      for (const [record, v] of model.newest) {
        expect(model.applied.get(`${record}@${version(v)}`), `${record} v${v} applied`).toBe(1);
      }
      // Nothing applied twice.
      expect([...model.applied].filter(([, n]) => n > 1)).toEqual([]);
      // Deferrals happened and counted no attempt: the only attempts are reclaimed leases.
      expect(model.deferred).toBeGreaterThan(0);
      const counted = rows.reduce((n, r) => n + r.retry_count, 0);
      expect(counted).toBeLessThanOrEqual(model.reclaims);
      if (model.reclaims === 0) expect(counted).toBe(0);
      expect(await t.db.selectFrom('tds_dead_letter_queue').select('id').execute()).toEqual([]);
    });
  }
});


describe('the deferral cap (a poison item that is always kept waiting)', () => {
  it('counts one attempt after maxDeferrals deferrals in a row, so the item still reaches the dead-letter queue', async () => {
    const { id } = await enqueue(t.db, { entity_type: 'customers', zoho_id: 'always-waiting', max_retries: 2 });
    const outcomes: string[] = [];
    for (let turn = 0; turn < 6; turn++) {
      await sql`UPDATE tds_sync_queue SET run_after = now() WHERE status = 'pending'`.execute(t.db);
      const [item] = await claim(t.db, { workerId: 'w', batchSize: 1, leaseSeconds: 60 });
      if (!item) break;
      const [result] = await deferMany(t.db, 'w', [{ id: item.id, reason: 'Zoho daily API quota exhausted', delaySeconds: 0 }], { maxDeferrals: 2 });
      outcomes.push(result!.outcome);
      const row = await t.db.selectFrom('tds_sync_queue').select(['retry_count', 'deferrals', 'last_deferral']).where('id', '=', id).executeTakeFirst();
      if (row) outcomes.push(`retry_count ${row.retry_count}, deferrals ${row.deferrals}`);
    }
    expect(outcomes).toEqual([
      'deferred', 'retry_count 0, deferrals 1',
      'deferred', 'retry_count 0, deferrals 2',
      'retry', 'retry_count 1, deferrals 0',
      'deferred', 'retry_count 1, deferrals 1',
      'deferred', 'retry_count 1, deferrals 2',
      'dead_letter',
    ]);
    const [dead] = await t.db.selectFrom('tds_dead_letter_queue').select(['error', 'retry_count']).execute();
    expect(dead).toEqual({ error: 'deferred 2 times in a row without an attempt; last: Zoho daily API quota exhausted', retry_count: 2 });
  });

  it('a deferral to a time keeps the item pending until then, with its reason on the row', async () => {
    const { id } = await enqueue(t.db, { entity_type: 'products', zoho_id: 'quota-spent' });
    const [item] = await claim(t.db, { workerId: 'w', batchSize: 1, leaseSeconds: 60 });
    const resetAt = new Date(Date.now() + 3_600_000);
    expect(await deferMany(t.db, 'w', [{ id: item!.id, reason: 'inventory quota spent', notBefore: resetAt }])).toEqual([{ id, outcome: 'deferred' }]);
    const row = await t.db.selectFrom('tds_sync_queue').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', retry_count: 0, deferrals: 1, last_deferral: 'inventory quota spent', locked_by: null, last_error: null });
    expect(Math.abs(new Date(row.run_after as Date).getTime() - resetAt.getTime())).toBeLessThan(60_000);
    expect(await claim(t.db, { workerId: 'w', batchSize: 1, leaseSeconds: 60 })).toEqual([]);
    // `tds queue status` and health show it: deferred, and how many times in a row at most.
    expect(await queueStats(t.db)).toMatchObject({ pending: 1, ready: 0, retrying: 0, deferred: 1, most_deferrals: 1 });
  });
});
