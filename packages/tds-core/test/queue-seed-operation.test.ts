import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMany, type EnqueueInput } from '../src/queue';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// enqueue works the seed's operation word out in its own statement (queue/seed-operation.ts) rather
// than through the per-row trigger (docs/queue-speed.md): it must give what tds_seed_operation()
// gives, for every entity, both operations, with and without a stored row.

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await sql`INSERT INTO products (zoho_item_id, name) VALUES ('stored', 'p')`.execute(t.db);
  await sql`INSERT INTO customers (zoho_contact_id, name) VALUES ('stored', 'c')`.execute(t.db);
  await sql`INSERT INTO invoices (zoho_invoice_id) VALUES ('stored')`.execute(t.db);
  await sql`INSERT INTO bills (zoho_bill_id) VALUES ('stored')`.execute(t.db);
  await sql`INSERT INTO price_lists (zoho_pricebook_id, name) VALUES ('stored', 'b')`.execute(t.db);
});
afterAll(async () => {
  await t?.close();
});

describe('seed_operation written by enqueue', () => {
  it('equals tds_seed_operation() for every entity, operation and stored/new record', async () => {
    const events: EnqueueInput[] = [];
    for (const entity_type of ['products', 'customers', 'invoices', 'bills', 'pricelists', 'stock', 'noop']) {
      // One pending item per record (coalescing): the deletions name records of their own.
      for (const zoho_id of ['stored', 'new']) events.push({ entity_type, zoho_id, operation: 'upsert' });
      events.push({ entity_type, zoho_id: 'gone', operation: 'delete' });
    }
    await enqueueMany(t.db, events);
    const { rows } = await sql<{ entity_type: string; zoho_id: string; operation: string; seed_operation: string; expected: string }>`
      SELECT entity_type, zoho_id, operation, seed_operation, tds_seed_operation(operation, entity_type, zoho_id) AS expected
      FROM tds_sync_queue ORDER BY id`.execute(t.db);
    expect(rows).toHaveLength(events.length);
    for (const row of rows) expect(row.seed_operation, `${row.entity_type} ${row.operation} ${row.zoho_id}`).toBe(row.expected);
    // Both words occur, so the comparison above cannot pass by a constant.
    expect(new Set(rows.map((r) => r.seed_operation))).toEqual(new Set(['create', 'update', 'delete']));
  });

  it('still fills the word of a row written without it (the trigger stays for other writers)', async () => {
    await sql`TRUNCATE tds_sync_queue`.execute(t.db);
    await sql`INSERT INTO tds_sync_queue (entity_type, zoho_id) VALUES ('products', 'stored-2'), ('products', 'stored')`.execute(t.db);
    const { rows } = await sql<{ seed_operation: string }>`SELECT seed_operation FROM tds_sync_queue WHERE zoho_id IN ('stored-2', 'stored') AND status = 'pending' AND entity_type = 'products' AND operation = 'upsert' ORDER BY id DESC LIMIT 2`.execute(t.db);
    expect(rows.map((r) => r.seed_operation).sort()).toEqual(['create', 'update']);
  });
});
