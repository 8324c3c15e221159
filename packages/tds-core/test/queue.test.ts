import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  QueueInputError,
  claim,
  explainClaim,
  clearStuckLocks,
  complete,
  completeAndClaim,
  createQueue,
  enqueue,
  enqueueMany,
  fail,
  failMany,
  listDeadLetters,
  purgeCompleted,
  queueStats,
  reapExpiredLeases,
  release,
  renewLeases,
  resolveDeadLetter,
  retryDeadLetter,
  type EnqueueInput,
} from '../src/queue';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE tds_sync_queue, tds_dead_letter_queue RESTART IDENTITY`.execute(t.db);
});

const rowsOf = (entityType?: string) =>
  t.db
    .selectFrom('tds_sync_queue')
    .selectAll()
    .$if(entityType !== undefined, (q) => q.where('entity_type', '=', entityType!))
    .orderBy('id')
    .execute();

/** Lets time "pass" for the queue: every waiting item becomes due now. */
const makeDue = () => sql`UPDATE tds_sync_queue SET run_after = now() WHERE status = 'pending'`.execute(t.db);

const shuffle = <T>(items: T[], seed = 42): T[] => {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
};

describe('enqueue', () => {
  it('stores an event and answers with its id', async () => {
    const result = await enqueue(t.db, {
      entity_type: 'products',
      zoho_id: '4815000000044208',
      payload: { item: { name: "Lamp '); DROP TABLE products; --", rate: '1250000000.000' } },
      zoho_last_modified_time: '2025-06-03T14:22:47+0300',
      source: 'webhook',
    });
    expect(result.outcome).toBe('inserted');
    const [row] = await rowsOf();
    expect(row.id).toBe(result.id);
    expect(row.status).toBe('pending');
    expect(row.operation).toBe('upsert');
    expect(row.payload).toEqual({ item: { name: "Lamp '); DROP TABLE products; --", rate: '1250000000.000' } });
    expect(row.zoho_last_modified_time?.toISOString()).toBe('2025-06-03T11:22:47.000Z');
    expect(row.max_retries).toBe(5);
  });

  it('refuses a bad batch as a whole, naming each problem, and stores nothing', async () => {
    const bad = [
      { entity_type: 'products', zoho_id: '1' },
      { entity_type: '', zoho_id: '2' },
      { entity_type: 'products', zoho_id: '' },
      { entity_type: 'products', zoho_id: '3', operation: 'upsert-ish' },
      { entity_type: 'products', zoho_id: '4', zoho_last_modified_time: 'yesterday' },
      { entity_type: 'products', zoho_id: '5', payload: { text: 'a\u0000b' } },
      { entity_type: 'products', zoho_id: '6', source: 'carrier-pigeon' },
      { entity_type: 'products', zoho_id: '7', payload: { text: 'half an emoji \ud83d' } },
      { entity_type: 'products', zoho_id: '8', payload: { text: 'a whole one 💡 and a backslash-u text \\ud83d' } },
    ] as EnqueueInput[];
    const error = await enqueueMany(t.db, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueInputError);
    expect((error as QueueInputError).problems).toHaveLength(7);
    expect((error as QueueInputError).problems.filter((p) => p.includes('broken character'))).toEqual(['events[7].payload: contains a broken character (an unpaired UTF-16 surrogate, e.g. half of an emoji), which PostgreSQL cannot store']);
    expect((error as QueueInputError).message).toContain('events[1].entity_type');
    expect(await rowsOf()).toHaveLength(0);
  });

  it('coalesces 1 000 duplicate events for 10 records into 10 pending items holding the newest payloads', async () => {
    const base = Date.parse('2025-06-01T00:00:00Z');
    const events: EnqueueInput[] = [];
    for (let version = 0; version < 100; version++) {
      for (let record = 0; record < 10; record++) {
        events.push({
          entity_type: 'products',
          zoho_id: `item-${record}`,
          payload: { record, version },
          zoho_last_modified_time: new Date(base + version * 60_000),
          source: 'webhook',
        });
      }
    }
    // Delivered out of order: in batches and one by one, several at the same time.
    const shuffled = shuffle(events);
    await Promise.all([
      enqueueMany(t.db, shuffled.slice(0, 400)),
      enqueueMany(t.db, shuffled.slice(400, 700)),
      (async () => {
        for (const event of shuffled.slice(700, 850)) await enqueue(t.db, event);
      })(),
      (async () => {
        for (const event of shuffled.slice(850)) await enqueue(t.db, event);
      })(),
    ]);
    const rows = await rowsOf();
    expect(rows).toHaveLength(10);
    for (const row of rows) {
      expect(row.status).toBe('pending');
      expect((row.payload as { version: number }).version).toBe(99);
      expect(row.zoho_last_modified_time?.getTime()).toBe(base + 99 * 60_000);
    }
  });

  it('never lets an older event replace a newer one, and reports what happened', async () => {
    const newer = await enqueue(t.db, { entity_type: 'invoices', zoho_id: '9', payload: { v: 2 }, zoho_last_modified_time: '2025-06-03T10:00:00+0000' });
    const older = await enqueue(t.db, { entity_type: 'invoices', zoho_id: '9', payload: { v: 1 }, zoho_last_modified_time: '2025-06-03T09:00:00+0000' });
    const same = await enqueue(t.db, { entity_type: 'invoices', zoho_id: '9', payload: { v: '2b' }, zoho_last_modified_time: '2025-06-03T13:00:00+0300' });
    expect(newer.outcome).toBe('inserted');
    expect(older).toEqual({ id: newer.id, outcome: 'ignored' });
    expect(same).toEqual({ id: newer.id, outcome: 'replaced' });
    const [row] = await rowsOf();
    expect(row.payload).toEqual({ v: '2b' });
  });

  it('lets a delete win over an upsert of the same or an older version, but not over a newer one', async () => {
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'a', zoho_last_modified_time: '2025-06-03T10:00:00Z' });
    expect((await enqueue(t.db, { entity_type: 'products', zoho_id: 'a', operation: 'delete' })).outcome).toBe('replaced');
    // An upsert of a known version never resurrects a delete of unknown (newest) version.
    expect((await enqueue(t.db, { entity_type: 'products', zoho_id: 'a', zoho_last_modified_time: '2025-06-03T11:00:00Z' })).outcome).toBe('ignored');

    await enqueue(t.db, { entity_type: 'products', zoho_id: 'b', zoho_last_modified_time: '2025-06-03T10:00:00Z' });
    expect((await enqueue(t.db, { entity_type: 'products', zoho_id: 'b', operation: 'delete', zoho_last_modified_time: '2025-06-03T10:00:00Z' })).outcome).toBe('replaced');
    expect((await enqueue(t.db, { entity_type: 'products', zoho_id: 'b', zoho_last_modified_time: '2025-06-03T10:00:00Z' })).outcome).toBe('ignored');

    await enqueue(t.db, { entity_type: 'products', zoho_id: 'c', zoho_last_modified_time: '2025-06-03T12:00:00Z' });
    expect((await enqueue(t.db, { entity_type: 'products', zoho_id: 'c', operation: 'delete', zoho_last_modified_time: '2025-06-03T11:00:00Z' })).outcome).toBe('ignored');

    const ops = Object.fromEntries((await rowsOf()).map((r) => [r.zoho_id, r.operation]));
    expect(ops).toEqual({ a: 'delete', b: 'delete', c: 'upsert' });
  });

  it('settles duplicates inside one batch the same way, and answers in input order', async () => {
    const results = await enqueueMany(t.db, [
      { entity_type: 'bills', zoho_id: '1', payload: { v: 1 }, zoho_last_modified_time: '2025-01-01T00:00:00Z' },
      { entity_type: 'bills', zoho_id: '1', payload: { v: 3 }, zoho_last_modified_time: '2025-01-03T00:00:00Z' },
      { entity_type: 'bills', zoho_id: '2', payload: { v: 1 } },
      { entity_type: 'bills', zoho_id: '1', payload: { v: 2 }, zoho_last_modified_time: '2025-01-02T00:00:00Z' },
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['ignored', 'inserted', 'inserted', 'ignored']);
    expect(results[0].id).toBe(results[1].id);
    const bill1 = (await rowsOf()).find((r) => r.zoho_id === '1');
    expect(bill1?.payload).toEqual({ v: 3 });
  });

  it('sends NOTIFY tds_queue so that sleeping workers wake up', async () => {
    const client = new pg.Client({ connectionString: t.url });
    await client.connect();
    try {
      const notified = new Promise<string>((resolve) => client.on('notification', (n) => resolve(n.channel)));
      await client.query('LISTEN tds_queue');
      await enqueue(t.db, { entity_type: 'products', zoho_id: 'n1' });
      expect(await notified).toBe('tds_queue');
    } finally {
      await client.end();
    }
  });
});

describe('claim, renew, complete', () => {
  it('hands each item to one claimer only (FOR UPDATE SKIP LOCKED) and respects the batch size', async () => {
    await enqueueMany(t.db, Array.from({ length: 300 }, (_, i) => ({ entity_type: 'products', zoho_id: `p${i}` })));
    const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => claim(t.db, { workerId: `w${i}`, batchSize: 60, leaseSeconds: 30 })));
    const ids = claims.flat().map((item) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(300);
    for (const batch of claims) expect(batch.length).toBeLessThanOrEqual(60);
    const rows = await rowsOf();
    expect(rows.every((r) => r.status === 'processing' && r.locked_until !== null)).toBe(true);
  });

  it('takes due items only, higher priority first, then oldest', async () => {
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'later', run_after: new Date(Date.now() + 3_600_000) });
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'old' });
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'urgent', priority: 10 });
    const [first] = await claim(t.db, { workerId: 'w', batchSize: 1, leaseSeconds: 30 });
    expect(first.zoho_id).toBe('urgent');
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'urgent-too', priority: 10 });
    const batch = await claim(t.db, { workerId: 'w', batchSize: 10, leaseSeconds: 30 });
    expect(batch.map((i) => i.zoho_id)).toEqual(['urgent-too', 'old']);
  });

  it('does not hand out a record while another item of the same record is being processed', async () => {
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'x', payload: { v: 1 } });
    const [first] = await claim(t.db, { workerId: 'w1', batchSize: 10, leaseSeconds: 30 });
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'x', payload: { v: 2 } });
    expect(await claim(t.db, { workerId: 'w2', batchSize: 10, leaseSeconds: 30 })).toHaveLength(0);
    expect(await complete(t.db, [first.id], 'w1')).toEqual([first.id]);
    const [second] = await claim(t.db, { workerId: 'w2', batchSize: 10, leaseSeconds: 30 });
    expect(second.payload).toEqual({ v: 2 });
  });

  it('completes only what the worker still holds', async () => {
    await enqueueMany(t.db, [{ entity_type: 'products', zoho_id: '1' }, { entity_type: 'products', zoho_id: '2' }]);
    const batch = await claim(t.db, { workerId: 'w1', batchSize: 10, leaseSeconds: 30 });
    const ids = batch.map((i) => i.id);
    expect(await complete(t.db, ids, 'someone-else')).toEqual([]);
    expect((await complete(t.db, ids, 'w1')).sort()).toEqual([...ids].sort());
    expect(await complete(t.db, ids, 'w1')).toEqual([]);
    const rows = await rowsOf();
    expect(rows.every((r) => r.status === 'completed' && r.completed_at !== null)).toBe(true);
  });

  it('completes the last batch and claims the next one in one statement', async () => {
    await enqueueMany(t.db, Array.from({ length: 5 }, (_, i) => ({ entity_type: 'products', zoho_id: `k${i}` })));
    const first = await claim(t.db, { workerId: 'w', batchSize: 2, leaseSeconds: 30 });
    const stolen = await claim(t.db, { workerId: 'other', batchSize: 1, leaseSeconds: 30 });
    const step = await completeAndClaim(t.db, [...first.map((i) => i.id), stolen[0].id], { workerId: 'w', batchSize: 2, leaseSeconds: 30 });
    expect(step.completed.sort()).toEqual(first.map((i) => i.id).sort());
    expect(step.items.map((i) => i.zoho_id)).toEqual(['k3', 'k4']);
    const last = await completeAndClaim(t.db, step.items.map((i) => i.id), { workerId: 'w', batchSize: 2, leaseSeconds: 30 });
    expect(last).toEqual({ completed: step.items.map((i) => i.id), items: [] });
    const statuses = Object.fromEntries((await rowsOf()).map((r) => [r.zoho_id, r.status]));
    expect(statuses).toEqual({ k0: 'completed', k1: 'completed', k2: 'processing', k3: 'completed', k4: 'completed' });
  });

  it("reclaims an item whose holder's lease ran out, counts the lost attempt, and ignores the old holder", async () => {
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'slow' });
    const [item] = await claim(t.db, { workerId: 'dead', batchSize: 1, leaseSeconds: 30 });
    expect(await renewLeases(t.db, 'dead', [item.id], 30)).toEqual([item.id]);
    expect(await claim(t.db, { workerId: 'alive', batchSize: 1, leaseSeconds: 30 })).toHaveLength(0);
    await sql`UPDATE tds_sync_queue SET locked_until = now() - interval '1 second' WHERE id = ${item.id}`.execute(t.db);
    const [again] = await claim(t.db, { workerId: 'alive', batchSize: 1, leaseSeconds: 30 });
    expect(again.id).toBe(item.id);
    expect(again.retry_count).toBe(1);
    expect(again.last_error).toContain('lease expired while held by dead');
    expect(await renewLeases(t.db, 'dead', [item.id], 30)).toEqual([]);
    expect(await complete(t.db, [item.id], 'dead')).toEqual([]);
    expect(await complete(t.db, [item.id], 'alive')).toEqual([item.id]);
  });

  it('refuses bad claim options', async () => {
    await expect(claim(t.db, { workerId: '', batchSize: 1, leaseSeconds: 1 })).rejects.toBeInstanceOf(QueueInputError);
    await expect(claim(t.db, { workerId: 'w', batchSize: 0, leaseSeconds: 1 })).rejects.toBeInstanceOf(QueueInputError);
    await expect(claim(t.db, { workerId: 'w', batchSize: 1, leaseSeconds: -5 })).rejects.toBeInstanceOf(QueueInputError);
    await expect(complete(t.db, ['1; DROP TABLE x'], 'w')).rejects.toBeInstanceOf(QueueInputError);
  });
});

describe('fail, retry and the dead-letter queue', () => {
  it('moves a poison item to the DLQ after exactly 5 attempts, with its error, waiting longer each time', async () => {
    const { id } = await enqueue(t.db, { entity_type: 'invoices', zoho_id: 'poison', payload: { bad: true } });
    const delays: number[] = [];
    let attempts = 0;
    for (;;) {
      await makeDue();
      const [item] = await claim(t.db, { workerId: 'w', batchSize: 1, leaseSeconds: 30 });
      if (!item) break;
      attempts++;
      const result = await fail(t.db, item.id, 'w', new Error(`cannot parse invoice (attempt ${attempts})`), { retryable: true });
      if (result.outcome === 'retry') {
        const [row] = await sql<{ delay: number }>`SELECT extract(epoch FROM run_after - updated_at)::float8 AS delay FROM tds_sync_queue WHERE id = ${id}`.execute(t.db).then((r) => r.rows);
        delays.push(row.delay);
      } else {
        expect(result.outcome).toBe('dead_letter');
      }
    }
    expect(attempts).toBe(5);
    expect(delays).toHaveLength(4);
    // 1, 2, 4, 8 s, each ± 20 %.
    delays.forEach((delay, n) => {
      expect(delay).toBeGreaterThanOrEqual(0.8 * 2 ** n);
      expect(delay).toBeLessThanOrEqual(1.2 * 2 ** n);
    });
    expect(await rowsOf()).toHaveLength(0);
    const { items, total } = await listDeadLetters(t.db);
    expect(total).toBe(1);
    expect(items[0]).toMatchObject({ original_queue_id: id, zoho_id: 'poison', retry_count: 5, payload: { bad: true } });
    expect(items[0].error).toBe('Error: cannot parse invoice (attempt 5)');
  });

  it('dead-letters a non-retryable failure at once, and leaves items it does not hold alone', async () => {
    await enqueueMany(t.db, [{ entity_type: 'bills', zoho_id: '1' }, { entity_type: 'bills', zoho_id: '2' }]);
    const batch = await claim(t.db, { workerId: 'w', batchSize: 2, leaseSeconds: 30 });
    const results = await failMany(t.db, 'w', [
      { id: batch[0].id, error: 'validation: total is not a number', retryable: false },
      { id: batch[1].id, error: 'timeout', retryable: true },
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['dead_letter', 'retry']);
    expect((await fail(t.db, batch[1].id, 'w', 'again', { retryable: true })).outcome).toBe('not_held');
    const rows = await rowsOf();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'pending', retry_count: 1, last_error: 'timeout' });
  });

  it('merges a failed item into a newer pending event of the same record instead of dropping either', async () => {
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'm', payload: { v: 1 }, zoho_last_modified_time: '2025-01-01T00:00:00Z' });
    const [item] = await claim(t.db, { workerId: 'w', batchSize: 1, leaseSeconds: 30 });
    const newer = await enqueue(t.db, { entity_type: 'products', zoho_id: 'm', payload: { v: 2 }, zoho_last_modified_time: '2025-01-02T00:00:00Z' });
    expect(newer.outcome).toBe('inserted');
    expect((await fail(t.db, item.id, 'w', 'zoho 503', { retryable: true })).outcome).toBe('retry');
    const rows = await rowsOf();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: newer.id, status: 'pending', retry_count: 1, last_error: 'zoho 503', payload: { v: 2 } });

    // And the other way round: the failed item held the newer version.
    const [again] = await (await makeDue(), claim(t.db, { workerId: 'w', batchSize: 1, leaseSeconds: 30 }));
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'm', payload: { v: 0 }, zoho_last_modified_time: '2024-12-01T00:00:00Z' });
    await fail(t.db, again.id, 'w', 'zoho 503', { retryable: true });
    const [merged] = await rowsOf();
    expect(merged).toMatchObject({ payload: { v: 2 }, retry_count: 2 });
  });

  it('retries dead letters with a fresh count and resolves them with a note', async () => {
    await enqueueMany(t.db, ['1', '2', '3'].map((zoho_id) => ({ entity_type: 'customers', zoho_id, payload: { zoho_id } })));
    const batch = await claim(t.db, { workerId: 'w', batchSize: 3, leaseSeconds: 30 });
    await failMany(t.db, 'w', batch.map((i) => ({ id: i.id, error: 'bad data', retryable: false })));
    const { items } = await listDeadLetters(t.db);
    expect(items).toHaveLength(3);
    const byZoho = Object.fromEntries(items.map((d) => [d.zoho_id, d]));

    const [retried] = await retryDeadLetter(t.db, byZoho['1'].id);
    expect(retried.id).toBe(byZoho['1'].id);
    const resolved = await resolveDeadLetter(t.db, byZoho['2'].id, 'customer merged in Zoho; nothing to do');
    expect(resolved?.resolution_note).toBe('customer merged in Zoho; nothing to do');
    expect(await resolveDeadLetter(t.db, byZoho['2'].id, 'twice')).toBeUndefined();
    expect(await retryDeadLetter(t.db, byZoho['2'].id)).toEqual([]);

    const open = await listDeadLetters(t.db);
    expect(open.items.map((d) => d.zoho_id)).toEqual(['3']);
    expect((await listDeadLetters(t.db, { state: 'all' })).total).toBe(3);
    expect(await retryDeadLetter(t.db, 'all')).toHaveLength(1);

    const queued = await rowsOf();
    expect(queued.map((r) => [r.zoho_id, r.status, r.retry_count]).sort()).toEqual([
      ['1', 'pending', 0],
      ['3', 'pending', 0],
    ]);
    expect(queued.find((r) => r.zoho_id === '1')?.id).toBe(retried.queue_id);
    expect(queued.find((r) => r.zoho_id === '1')?.payload).toEqual({ zoho_id: '1' });
  });

  it('dead-letters an item whose lease ran out on its last allowed attempt', async () => {
    await enqueue(t.db, { entity_type: 'products', zoho_id: 'crashes-worker', max_retries: 2 });
    await claim(t.db, { workerId: 'w1', batchSize: 1, leaseSeconds: 30 });
    await sql`UPDATE tds_sync_queue SET locked_until = now() - interval '1 second'`.execute(t.db);
    const [second] = await claim(t.db, { workerId: 'w2', batchSize: 1, leaseSeconds: 30 });
    expect(second.retry_count).toBe(1);
    await sql`UPDATE tds_sync_queue SET locked_until = now() - interval '1 second'`.execute(t.db);
    expect(await claim(t.db, { workerId: 'w3', batchSize: 1, leaseSeconds: 30 })).toHaveLength(0);
    expect(await reapExpiredLeases(t.db)).toEqual([second.id]);
    const { items } = await listDeadLetters(t.db);
    expect(items[0]).toMatchObject({ zoho_id: 'crashes-worker', retry_count: 2 });
    expect(items[0].error).toContain('lease expired on the last attempt while held by w2');
  });
});

describe('release, stuck locks, purge and stats', () => {
  it('releases held items back to pending without counting an attempt', async () => {
    await enqueueMany(t.db, [{ entity_type: 'products', zoho_id: '1' }, { entity_type: 'products', zoho_id: '2' }]);
    await claim(t.db, { workerId: 'w', batchSize: 2, leaseSeconds: 30 });
    const released = await release(t.db, 'w');
    expect(released.map((r) => r.outcome)).toEqual(['requeued', 'requeued']);
    const rows = await rowsOf();
    expect(rows.every((r) => r.status === 'pending' && r.retry_count === 0 && r.locked_by === null)).toBe(true);
  });

  it('clears locks held longer than the given minutes', async () => {
    await enqueueMany(t.db, [{ entity_type: 'products', zoho_id: 'stuck' }, { entity_type: 'products', zoho_id: 'fresh' }]);
    await claim(t.db, { workerId: 'w', batchSize: 2, leaseSeconds: 3600 });
    await sql`UPDATE tds_sync_queue SET locked_at = now() - interval '31 minutes' WHERE zoho_id = 'stuck'`.execute(t.db);
    const cleared = await clearStuckLocks(t.db, 30);
    expect(cleared).toHaveLength(1);
    const rows = Object.fromEntries((await rowsOf()).map((r) => [r.zoho_id, r.status]));
    expect(rows).toEqual({ stuck: 'pending', fresh: 'processing' });
  });

  it('purges completed items older than the retention, in batches', async () => {
    await enqueueMany(t.db, Array.from({ length: 25 }, (_, i) => ({ entity_type: 'products', zoho_id: `c${i}` })));
    const batch = await claim(t.db, { workerId: 'w', batchSize: 25, leaseSeconds: 30 });
    await complete(t.db, batch.map((i) => i.id), 'w');
    await sql`UPDATE tds_sync_queue SET completed_at = now() - interval '2 days' WHERE zoho_id <> 'c0'`.execute(t.db);
    expect(await purgeCompleted(t.db, new Date(Date.now() - 86_400_000), 10)).toBe(24);
    expect((await rowsOf()).map((r) => r.zoho_id)).toEqual(['c0']);
  });

  it('reports counts by status and by entity', async () => {
    const queue = createQueue(t.db);
    await queue.enqueueMany([
      ...Array.from({ length: 4 }, (_, i) => ({ entity_type: 'products', zoho_id: `p${i}` })),
      ...Array.from({ length: 2 }, (_, i) => ({ entity_type: 'bills', zoho_id: `b${i}` })),
    ]);
    const batch = await queue.claim({ workerId: 'w', batchSize: 3, leaseSeconds: 30 });
    await queue.complete([batch[0].id], 'w');
    await queue.fail(batch[1].id, 'w', 'nope', { retryable: false });
    const stats = await queue.queueStats();
    expect(stats).toMatchObject({ pending: 3, ready: 3, processing: 1, completed: 1, completed_last_24h: 1, dead_letters: 1, dead_letters_open: 1, failed: 0 });
    expect(stats.by_entity.reduce((n, e) => n + e.pending + e.processing, 0)).toBe(4);
    expect(stats.oldest_pending_at).toBeInstanceOf(Date);
  });
});

describe('indexes', () => {
  it('claims through the pending index without reading completed rows', async () => {
    await sql`
      INSERT INTO tds_sync_queue (entity_type, zoho_id, status, completed_at)
      SELECT 'products', 'done-' || g, 'completed', now() FROM generate_series(1, 20000) g`.execute(t.db);
    await enqueueMany(t.db, Array.from({ length: 20 }, (_, i) => ({ entity_type: 'products', zoho_id: `todo-${i}` })));
    await sql`ANALYZE tds_sync_queue`.execute(t.db);

    // EXPLAIN ANALYZE runs the claim for real, so it runs in a transaction that is rolled back.
    const rollback = new Error('rollback');
    let plan: unknown;
    await t.db
      .transaction()
      .execute(async (trx) => {
        const { rows } = await explainClaim(trx, { workerId: 'w', batchSize: 10, leaseSeconds: 30 });
        plan = rows[0]['QUERY PLAN'];
        if (process.env.TDS_PRINT_PLAN) console.log(JSON.stringify(plan, null, 1));
        throw rollback;
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
      });
    expect(await claim(t.db, { workerId: 'w', batchSize: 100, leaseSeconds: 30 })).toHaveLength(20);

    type Node = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; 'Actual Rows'?: number; 'Actual Loops'?: number; 'Rows Removed by Filter'?: number; Plans?: Node[] };
    const nodes: Node[] = [];
    const walk = (node: Node) => {
      nodes.push(node);
      node.Plans?.forEach(walk);
    };
    walk((plan as Array<{ Plan: Node }>)[0].Plan);
    const queueScans = nodes.filter((n) => n['Relation Name'] === 'tds_sync_queue' && /Scan/.test(n['Node Type']));
    expect(queueScans.length).toBeGreaterThan(0);
    expect(queueScans.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    const indexes = new Set(queueScans.map((n) => n['Index Name']));
    expect(indexes.has('tds_sync_queue_claim')).toBe(true);
    // Rows touched by any scan stay in the order of the pending rows, never the 20 000 completed ones.
    const rowsRead = queueScans.reduce((sum, n) => sum + (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1) + (n['Rows Removed by Filter'] ?? 0), 0);
    expect(rowsRead).toBeLessThan(100);
  });

  it('claims from a burst its statistics know nothing of by walking the claim index, not the whole backlog', async () => {
    // Statistics taken while every item was completed, then a burst: the planner expects a handful of pending rows.
    await sql`
      INSERT INTO tds_sync_queue (entity_type, zoho_id, status, completed_at)
      SELECT 'products', 'done-' || g, 'completed', now() FROM generate_series(1, 2000) g`.execute(t.db);
    await sql`ANALYZE tds_sync_queue`.execute(t.db);
    await enqueueMany(t.db, Array.from({ length: 3000 }, (_, i) => ({ entity_type: 'products', zoho_id: `burst-${i}` })));

    const rollback = new Error('rollback');
    let plan: unknown;
    await t.db
      .transaction()
      .execute(async (trx) => {
        const { rows } = await explainClaim(trx, { workerId: 'w', batchSize: 10, leaseSeconds: 30 });
        plan = rows[0]['QUERY PLAN'];
        throw rollback;
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
      });
    type Node = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; 'Actual Rows'?: number; 'Actual Loops'?: number; 'Rows Removed by Filter'?: number; Plans?: Node[] };
    const nodes: Node[] = [];
    const walk = (node: Node) => {
      nodes.push(node);
      node.Plans?.forEach(walk);
    };
    walk((plan as Array<{ Plan: Node }>)[0].Plan);
    const queueScans = nodes.filter((n) => n['Relation Name'] === 'tds_sync_queue' && /Scan/.test(n['Node Type']));
    expect(queueScans.filter((n) => n['Index Name'] === 'tds_sync_queue_claim').map((n) => n['Node Type'])).toEqual(['Index Scan']);
    const rowsRead = queueScans.reduce((sum, n) => sum + (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1) + (n['Rows Removed by Filter'] ?? 0), 0);
    expect(rowsRead).toBeLessThan(100);

    // claim() itself runs under that plan and takes the first of the burst in claiming order.
    const { rows: first } = await sql<{ id: string }>`SELECT id::text AS id FROM tds_sync_queue WHERE status = 'pending' ORDER BY priority DESC, run_after, id LIMIT 10`.execute(t.db);
    const claimed = await claim(t.db, { workerId: 'w', batchSize: 10, leaseSeconds: 30 });
    expect(claimed.map((i) => String(i.id))).toEqual(first.map((r) => r.id));
  });
});
