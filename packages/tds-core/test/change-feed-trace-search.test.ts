import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeFeedInputError, searchRecords } from '../src/changes';
import { enqueueMany } from '../src/queue';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// The Record view's search: which records to trace for a Zoho id, SKU, document number or name (docs/change-feed.md).

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await sql`INSERT INTO products (zoho_item_id, name, name_ar, sku) VALUES ('9001', 'Brake pad 50%_off', 'وسادة فرامل', 'BP-001'), ('9002', 'Oil filter', NULL, 'OF-7')`.execute(t.db);
  await sql`UPDATE products SET deleted_at = now() WHERE zoho_item_id = '9002'`.execute(t.db);
  await sql`INSERT INTO customers (zoho_contact_id, name, company_name) VALUES ('7001', 'Ahmed Brake', 'Basra Parts')`.execute(t.db);
  await sql`INSERT INTO invoices (zoho_invoice_id, invoice_number, customer_name) VALUES ('5001', 'INV-000123', 'Ahmed Brake')`.execute(t.db);
  await sql`INSERT INTO bills (zoho_bill_id, bill_number, vendor_name) VALUES ('6001', 'BILL-77', 'Vendor')`.execute(t.db);
  // Queued (and failing) but never stored.
  await enqueueMany(t.db, [{ entity_type: 'stock', zoho_id: '9999', source: 'webhook' }]);
});
afterAll(async () => {
  await t?.close();
});

const found = async (q: string) => (await searchRecords(t.db, q)).map((m) => `${m.entity}:${m.zoho_id}:${m.matched}`);

describe('searching records to trace', () => {
  it('finds by Zoho id, SKU and document number exactly (any case), by part of a name, deleted records too', async () => {
    expect(await found('9001')).toEqual(['products:9001:zoho_id']);
    expect(await found('bp-001')).toEqual(['products:9001:number']);
    expect(await found('inv-000123')).toEqual(['invoices:5001:number']);
    expect(await found('BILL-77')).toEqual(['bills:6001:number']);
    expect(await found('brake')).toEqual(['customers:7001:name', 'products:9001:name']);
    expect(await found('فرامل')).toEqual(['products:9001:name']);
    const [oil] = await searchRecords(t.db, ' Oil ');
    expect(oil).toEqual({ entity: 'products', zoho_id: '9002', label: 'Oil filter', detail: 'OF-7', deleted: true, matched: 'name' });
  });

  it('finds a Zoho id that is only in the queue, under its trace entity', async () => {
    expect(await searchRecords(t.db, '9999')).toEqual([{ entity: 'products', zoho_id: '9999', label: null, detail: null, deleted: false, matched: 'zoho_id' }]);
  });

  it('treats % and _ as letters, and refuses an empty or overlong search', async () => {
    expect(await found('50%_')).toEqual(['products:9001:name']);
    expect(await found('%')).toEqual(['products:9001:name']);
    expect(await found('nothing-like-this')).toEqual([]);
    await expect(searchRecords(t.db, '  ')).rejects.toBeInstanceOf(ChangeFeedInputError);
    await expect(searchRecords(t.db, 'x'.repeat(101))).rejects.toBeInstanceOf(ChangeFeedInputError);
  });
});
