import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChangeCursorExpiredError, listConsumers, readChanges, resetConsumer, subscribeChanges, type Change, type Subscription } from '../src/changes';
import { createHandlingTable, overlappingDeliveries } from './fixtures/change-subscriber-table';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { waitFor } from './helpers/wait-for';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

let t: TestDatabase;
let consumerSeq = 0;
let productSeq = 0;
const subscriptions: Subscription[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  t = await createTestDatabase({ maxConnections: 20 });
  await createHandlingTable(t.db);
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE test_change_handling`.execute(t.db);
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
});

/** `count` new products, one transaction each; returns their ids. */
async function writeProducts(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `sub-${++productSeq}`;
    await sql`INSERT INTO products (zoho_item_id, name) VALUES (${id}, 'p')`.execute(t.db);
    ids.push(id);
  }
  return ids;
}

const newConsumer = () => `test-consumer-${++consumerSeq}`;
const fast = { pollIntervalMs: 50, retry: { initialDelayMs: 10, maxDelayMs: 80 } };

function subscribe(options: Parameters<typeof subscribeChanges>[1], handler: Parameters<typeof subscribeChanges>[2]): Subscription {
  const subscription = subscribeChanges({ db: t.db, pool: t.pool }, { ...fast, ...options }, handler);
  subscriptions.push(subscription);
  return subscription;
}

describe('subscribe in one process', () => {
  it('delivers every change in id order, stores the cursor, and resumes after a restart without redelivering', async () => {
    const consumer = newConsumer();
    await resetConsumer(t.db, consumer);
    const received: Change[] = [];
    const first = subscribe({ consumer, batchSize: 7 }, (changes) => {
      received.push(...changes);
    });
    const ids = await writeProducts(20);
    await waitFor(() => received.length >= 20, { label: '20 changes' });
    await first.stop();
    expect(received.map((c) => c.zoho_id)).toEqual(ids);
    const [stored] = (await listConsumers(t.db)).filter((c) => c.name === consumer);
    expect(stored.cursor).toBe(received[received.length - 1].id);

    const more = await writeProducts(5);
    const after: Change[] = [];
    subscribe({ consumer }, (changes) => {
      after.push(...changes);
    });
    await waitFor(() => after.length >= 5, { label: '5 more changes' });
    expect(after.map((c) => c.zoho_id)).toEqual(more);
  });

  it('retries a failing handler with the same batch, never skipping it, and records the failure', async () => {
    const consumer = newConsumer();
    await resetConsumer(t.db, consumer);
    const attempts: Array<{ attempt: number; ids: string[] }> = [];
    const ids = await writeProducts(6);
    subscribe({ consumer, batchSize: 3 }, (changes, { attempt }) => {
      attempts.push({ attempt, ids: changes.map((c) => c.zoho_id) });
      if (changes.some((c) => c.zoho_id === ids[4]) && attempt < 4) throw new Error('downstream is down');
    });
    await waitFor(() => attempts.some((a) => a.attempt === 4), { label: 'fourth attempt' });
    await waitFor(async () => (await listConsumers(t.db)).find((c) => c.name === consumer)?.failures === 0, { label: 'failures reset' });
    expect(attempts).toEqual([
      { attempt: 1, ids: ids.slice(0, 3) },
      { attempt: 1, ids: ids.slice(3, 6) },
      { attempt: 2, ids: ids.slice(3, 6) },
      { attempt: 3, ids: ids.slice(3, 6) },
      { attempt: 4, ids: ids.slice(3, 6) },
    ]);
    const [stored] = (await listConsumers(t.db)).filter((c) => c.name === consumer);
    expect(stored).toMatchObject({ last_error: 'Error: downstream is down', lag: 0 });
  });

  it('a cursor stuck while the handler fails does not move, even with later changes arriving', async () => {
    const consumer = newConsumer();
    const start = await resetConsumer(t.db, consumer);
    let failing = true;
    let calls = 0;
    subscribe({ consumer }, () => {
      calls++;
      if (failing) throw new Error('no');
    });
    await writeProducts(2);
    await waitFor(() => calls >= 3, { label: 'three failed calls' });
    await writeProducts(2);
    expect((await listConsumers(t.db)).find((c) => c.name === consumer)?.cursor).toBe(start);
    failing = false;
    await waitFor(async () => (await listConsumers(t.db)).find((c) => c.name === consumer)?.lag === 0, { label: 'caught up' });
  });

  it('filters by entity and moves the cursor past the others', async () => {
    const consumer = newConsumer();
    await resetConsumer(t.db, consumer);
    const received: Change[] = [];
    subscribe({ consumer, entities: ['customers'] }, (changes) => {
      received.push(...changes);
    });
    await writeProducts(3);
    await sql`INSERT INTO customers (zoho_contact_id, name) VALUES ('sub-customer-1', 'c')`.execute(t.db);
    await waitFor(() => received.length >= 1, { label: 'the customer' });
    expect(received.map((c) => [c.entity, c.zoho_id, c.op])).toEqual([['customers', 'sub-customer-1', 'insert']]);
    await waitFor(async () => (await listConsumers(t.db)).find((c) => c.name === consumer)?.lag === 0, { label: 'cursor at the end' });
  });

  it('a consumer behind the retention horizon stops with an error telling it to resync; a reset lets it go on', async () => {
    const consumer = newConsumer();
    await resetConsumer(t.db, consumer);
    await writeProducts(3);
    const { cursor } = await readChanges(t.db, { limit: 1000 });
    await sql`UPDATE tds_change_feed_state SET purged_through = ${cursor}::bigint`.execute(t.db);
    try {
      const subscription = subscribe({ consumer }, () => {});
      const error = await subscription.done.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ChangeCursorExpiredError);
      expect((error as Error).message).toMatch(new RegExp(`consumer "${consumer}".*purged.*Resync from the tables`));
      await expect(readChanges(t.db, { after: '0' })).rejects.toBeInstanceOf(ChangeCursorExpiredError);

      expect(await resetConsumer(t.db, consumer)).toBe(cursor);
      const received: Change[] = [];
      subscribe({ consumer }, (changes) => {
        received.push(...changes);
      });
      const ids = await writeProducts(2);
      await waitFor(() => received.length >= 2, { label: 'changes after the reset' });
      expect(received.map((c) => c.zoho_id)).toEqual(ids);
    } finally {
      await sql`UPDATE tds_change_feed_state SET purged_through = 0`.execute(t.db);
    }
  });
});

type ChildMessage = { type: 'ready'; pid: number } | { type: 'hung'; ids: string[] } | { type: 'stopped'; batches: number };

function startChild(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'test/fixtures/change-subscriber-child.ts'], {
    cwd: packageDir,
    env: { ...process.env, TDS_TEST_DB_URL: t.url, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const next = <T extends ChildMessage['type']>(type: T) =>
    new Promise<Extract<ChildMessage, { type: T }>>((resolve, reject) => {
      const onMessage = (message: ChildMessage) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message as Extract<ChildMessage, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`subscriber child exited (${code}) before "${type}": ${stderr}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, next, exited };
}

const handledIds = async () =>
  (await sql<{ zoho_id: string }>`SELECT DISTINCT zoho_id FROM test_change_handling WHERE ended_at IS NOT NULL`.execute(t.db)).rows.map((r) => r.zoho_id);

describe('subscribers in several processes', () => {
  it('three processes of one consumer share 150 changes and never handle one change at the same time', { timeout: 120_000 }, async () => {
    const consumer = newConsumer();
    await resetConsumer(t.db, consumer);
    const processes = [0, 1, 2].map(() => startChild({ CHILD_CONSUMER: consumer, CHILD_BATCH: '5', CHILD_HANDLE_MS: '15' }));
    const holderNames = (await Promise.all(processes.map((p) => p.next('ready')))).map((ready) => `pid-${ready.pid}`);
    // Which process takes the consumer after each batch is the scheduler's choice: on a busy machine
    // one process may win every turn. So the consumer changes hands on purpose half way: the process
    // that handled the last batch of the first half stops (gracefully: its batch's cursor is
    // committed), and the second half can only be handled by the other two.
    const ids = await writeProducts(75);
    await waitFor(async () => (await handledIds()).length === 75, { timeoutMs: 90_000, intervalMs: 100, label: 'the first 75 changes handled' });
    const { rows: lastBatch } = await sql<{ holder: string }>`SELECT holder FROM test_change_handling ORDER BY id DESC LIMIT 1`.execute(t.db);
    const first = processes[holderNames.indexOf(lastBatch[0].holder)];
    first.child.send({ type: 'stop' });
    await first.next('stopped');
    ids.push(...(await writeProducts(75)));
    await waitFor(async () => (await handledIds()).length === 150, { timeoutMs: 90_000, intervalMs: 100, label: '150 changes handled' });
    const rest = processes.filter((p) => p !== first);
    for (const p of rest) p.child.send({ type: 'stop' });
    await Promise.all(rest.map((p) => p.next('stopped')));

    expect((await handledIds()).sort()).toEqual([...ids].sort());
    expect(await overlappingDeliveries(t.db)).toEqual([]);
    const holders = await sql<{ holders: string; deliveries: string }>`SELECT count(DISTINCT holder)::text AS holders, count(*)::text AS deliveries FROM test_change_handling`.execute(t.db);
    expect(Number(holders.rows[0].holders)).toBeGreaterThan(1);
    // Nothing was handled twice: no process died and no handler failed.
    expect(holders.rows[0].deliveries).toBe('150');
  });

  it('a subscriber killed mid-batch: the next holder gets that batch again and nothing is skipped', { timeout: 120_000 }, async () => {
    const consumer = newConsumer();
    await resetConsumer(t.db, consumer);
    const doomed = startChild({ CHILD_CONSUMER: consumer, CHILD_BATCH: '4', CHILD_HANG_ON_BATCH: '3' });
    await doomed.next('ready');
    const ids = await writeProducts(40);
    const { ids: hungIds } = await doomed.next('hung');
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const deadBy = new Date();
    const cursorAtKill = (await listConsumers(t.db)).find((c) => c.name === consumer)!.cursor;
    expect(BigInt(cursorAtKill)).toBeLessThan(BigInt(hungIds[0]));

    const heir = startChild({ CHILD_CONSUMER: consumer, CHILD_BATCH: '4' });
    await heir.next('ready');
    await waitFor(async () => (await handledIds()).length === 40, { timeoutMs: 60_000, intervalMs: 100, label: '40 changes handled' });
    heir.child.send({ type: 'stop' });
    await heir.next('stopped');

    expect((await handledIds()).sort()).toEqual([...ids].sort());
    const hung = await sql<{ change_id: string; deliveries: string; finished: string }>`
      SELECT change_id::text, count(*)::text AS deliveries, count(ended_at)::text AS finished FROM test_change_handling
      WHERE change_id = ANY(${hungIds}::bigint[]) GROUP BY change_id ORDER BY change_id`.execute(t.db);
    expect(hung.rows).toEqual(hungIds.map((id) => ({ change_id: id, deliveries: '2', finished: '1' })));
    expect(await overlappingDeliveries(t.db, deadBy)).toEqual([]);
  });
});
