import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMany, type EnqueueInput } from '../src/queue';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// enqueue sends its batch as one JSON document (docs/queue-speed.md): every value must come back
// exactly as a row written field by field would hold it.

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe('enqueue values', () => {
  it('stores ids, payloads, versions and settings exactly', async () => {
    const runAfter = new Date('2030-01-02T03:04:05.678Z');
    const events: EnqueueInput[] = [
      { entity_type: 'products', zoho_id: 'a"b\\c\'d', payload: { item: { name: 'quote " back \\ tab \t', rate: '12.50', nested: [1, null, { x: 'ü' }] } } },
      { entity_type: 'customers', zoho_id: 'عميل-😀', operation: 'delete', payload: 'a bare "string"', source: 'webhook', priority: -7, max_retries: 9 },
      { entity_type: 'invoices', zoho_id: 'lone-\ud800-end', zoho_last_modified_time: '2025-06-03T14:22:47+0300', run_after: runAfter },
      { entity_type: 'bills', zoho_id: '42', payload: null },
    ];
    const results = await enqueueMany(t.db, events);
    expect(results.map((r) => r.outcome)).toEqual(['inserted', 'inserted', 'inserted', 'inserted']);
    const { rows: stored } = await sql<{ id: string; entity_type: string; zoho_id: string; operation: string; payload: unknown; zoho_last_modified_time: Date | null; source: string; priority: number; run_after: Date; max_retries: number }>`
      SELECT id::text AS id, entity_type, zoho_id, operation, payload, zoho_last_modified_time, source, priority, run_after, max_retries FROM tds_sync_queue ORDER BY id`.execute(t.db);
    // Rows are inserted in record order (lock order), so they are matched to the events by id.
    const rows = results.map((r) => stored.find((row) => row.id === r.id)!);
    expect(rows.every(Boolean)).toBe(true);
    expect(rows[0]).toMatchObject({ entity_type: 'products', zoho_id: 'a"b\\c\'d', operation: 'upsert', payload: events[0].payload, source: 'sync', priority: 0, max_retries: 5, zoho_last_modified_time: null });
    expect(rows[1]).toMatchObject({ zoho_id: 'عميل-😀', operation: 'delete', payload: 'a bare "string"', source: 'webhook', priority: -7, max_retries: 9 });
    // A lone surrogate is stored as U+FFFD, as a text parameter stores it.
    expect(rows[2].zoho_id).toBe('lone-\ufffd-end');
    expect(rows[2].zoho_last_modified_time?.toISOString()).toBe('2025-06-03T11:22:47.000Z');
    expect(rows[2].run_after.toISOString()).toBe(runAfter.toISOString());
    expect(rows[3].payload).toBeNull();
  });
});
