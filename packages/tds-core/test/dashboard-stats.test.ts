import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readEntityStats, readThroughputHistory } from '../src/internal';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

const ORG = '777';
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE tds_sync_queue, tds_dead_letter_queue, tds_sync_state, tds_sync_runs, products, customers RESTART IDENTITY CASCADE`.execute(t.db);
});

describe('readEntityStats', () => {
  it('reports rows, cursor, last run and error, queue and dead letters per entity, in the order asked', async () => {
    await sql`
INSERT INTO products (zoho_item_id, name, deleted_at) VALUES ('1', 'A', NULL), ('2', 'B', NULL), ('3', 'C', now())`.execute(t.db);
    await sql`INSERT INTO customers (zoho_contact_id, name) VALUES ('c1', 'Customer')`.execute(t.db);
    await sql`
INSERT INTO tds_sync_state (entity, organization_id, cursor, last_full_sync_at, last_incremental_sync_at, last_run_status, last_error)
VALUES ('products', ${ORG}, '2025-06-03T11:22:47Z', '2025-06-03T00:00:00Z', '2025-06-03T12:00:00Z', 'succeeded', NULL),
       ('customers', ${ORG}, NULL, NULL, NULL, 'failed', 'Zoho answered 500'),
       ('products', 'another-org', '2030-01-01T00:00:00Z', NULL, NULL, 'failed', 'not ours')`.execute(t.db);
    await sql`
INSERT INTO tds_sync_runs (entity, organization_id, mode, status, started_at, finished_at, counts, error)
VALUES ('products', ${ORG}, 'full', 'succeeded', '2025-06-03T00:00:00Z', '2025-06-03T00:05:00Z', '{"fetched": 3}', NULL),
       ('products', ${ORG}, 'incremental', 'succeeded', '2025-06-03T12:00:00Z', '2025-06-03T12:00:09Z', '{"fetched": 1}', NULL),
       ('customers', ${ORG}, 'incremental', 'failed', '2025-06-03T12:00:00Z', '2025-06-03T12:00:01Z', '{}', 'Zoho answered 500')`.execute(t.db);
    await sql`
INSERT INTO tds_sync_queue (entity_type, zoho_id, status, locked_until, completed_at)
VALUES ('products', '10', 'pending', NULL, NULL), ('products', '11', 'pending', NULL, NULL),
       ('products', '12', 'processing', now() + interval '1 minute', NULL), ('customers', 'c9', 'completed', NULL, now())`.execute(t.db);
    await sql`
INSERT INTO tds_dead_letter_queue (entity_type, zoho_id, operation, error, resolved_at)
VALUES ('customers', 'c2', 'upsert', 'bad record', NULL), ('customers', 'c3', 'upsert', 'bad record', now())`.execute(t.db);

    const stats = await readEntityStats(t.db, ORG, ['products', 'customers', 'stock']);
    expect(stats.map((s) => s.entity)).toEqual(['products', 'customers', 'stock']);
    const [products, customers, stock] = stats;
    expect(products).toMatchObject({
      table: 'products',
      rows: 3,
      deleted_rows: 1,
      cursor: new Date('2025-06-03T11:22:47Z'),
      last_full_sync_at: new Date('2025-06-03T00:00:00Z'),
      last_incremental_sync_at: new Date('2025-06-03T12:00:00Z'),
      last_sync_at: new Date('2025-06-03T12:00:00Z'),
      last_run_status: 'succeeded',
      last_error: null,
      queue_pending: 2,
      queue_processing: 1,
      dead_letters_open: 0,
      last_run: { mode: 'incremental', status: 'succeeded', counts: { fetched: 1 }, error: null, finished_at: new Date('2025-06-03T12:00:09Z') },
    });
    expect(customers).toMatchObject({ rows: 1, deleted_rows: 0, last_run_status: 'failed', last_error: 'Zoho answered 500', dead_letters_open: 1 });
    expect(customers.last_run).toMatchObject({ status: 'failed', error: 'Zoho answered 500' });
    // A completed queue item of customers counts as its last sync.
    expect(customers.last_sync_at).toBeInstanceOf(Date);
    expect(stock).toMatchObject({ table: 'stock_levels', rows: 0, cursor: null, last_sync_at: null, last_run: null, queue_pending: 0 });
  });

  it('covers every entity by default', async () => {
    const stats = await readEntityStats(t.db, ORG);
    expect(stats.map((s) => s.entity)).toEqual(['products', 'customers', 'invoices', 'bills', 'stock', 'pricelists']);
    expect(stats.map((s) => s.table)).toEqual(['products', 'customers', 'invoices', 'bills', 'stock_levels', 'price_lists']);
  });
});

describe('readThroughputHistory', () => {
  it('counts completed and dead-lettered items per minute, zero minutes included, oldest first', async () => {
    await sql`
INSERT INTO tds_sync_queue (entity_type, zoho_id, status, completed_at)
SELECT 'products', 'now-' || i, 'completed', now() FROM generate_series(1, 3) i
UNION ALL SELECT 'products', 'ago-' || i, 'completed', now() - interval '10 minutes' FROM generate_series(1, 2) i
UNION ALL SELECT 'products', 'old', 'completed', now() - interval '3 hours'
UNION ALL SELECT 'products', 'waiting', 'pending', NULL`.execute(t.db);
    await sql`INSERT INTO tds_dead_letter_queue (entity_type, zoho_id, operation, error, failed_at) VALUES ('products', 'x', 'upsert', 'e', now() - interval '10 minutes')`.execute(
      t.db,
    );

    const history = await readThroughputHistory(t.db, { minutes: 60 });
    expect(history).toHaveLength(60);
    const times = history.map((h) => h.minute.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[59] - times[0]).toBe(59 * 60_000);
    expect(history[59].completed).toBe(3);
    expect(history[49]).toMatchObject({ completed: 2, dead_lettered: 1 });
    expect(history.reduce((n, h) => n + h.completed, 0)).toBe(5);
    expect(history.reduce((n, h) => n + h.dead_lettered, 0)).toBe(1);
  });

  it('keeps the window between 1 and 1440 minutes', async () => {
    expect(await readThroughputHistory(t.db, { minutes: 0 })).toHaveLength(1);
    expect(await readThroughputHistory(t.db, { minutes: 5000 })).toHaveLength(1440);
  });
});
