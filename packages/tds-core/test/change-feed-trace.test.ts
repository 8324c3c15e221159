import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProduct, createApplyContext, deleteProduct } from '../src/apply';
import { ChangeFeedInputError, traceRecord } from '../src/changes';
import { enqueueMany } from '../src/queue';
import { item, rawItem } from './apply-fixtures';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// `tds trace` reads one record's timeline from what each part of TDS stores (docs/change-feed.md).

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe('trace one record', () => {
  it('lists inbox rows (accepted, stale), queue items with attempts, applied versions with columns, dead letters and verify results, oldest first', async () => {
    const raw = rawItem();
    const id = String(raw.item_id);
    const other = rawItem();
    const [queued] = await enqueueMany(t.db, [{ entity_type: 'products', zoho_id: id, source: 'webhook' }]);
    await sql`UPDATE tds_sync_queue SET retry_count = 2, last_error = 'Zoho answered 503' WHERE id = ${queued.id}`.execute(t.db);
    await t.db
      .insertInto('tds_webhook_events')
      .values([
        { entity: 'products', zoho_id: id, method: 'POST', event: 'upsert', signature_ok: true, queue_item_id: queued.id },
        { entity: 'products', zoho_id: id, method: 'POST', event: 'upsert', signature_ok: true, queue_item_id: null, error: 'stale: a newer version of the record is already stored; not queued' },
        { entity: 'products', zoho_id: String(other.item_id), method: 'POST', event: 'upsert', signature_ok: true, queue_item_id: null },
      ])
      .execute();
    await applyProduct(t.db, item(raw), createApplyContext());
    await applyProduct(t.db, item({ ...raw, rate: 99, last_modified_time: '2025-06-08T00:00:00+0300' }), createApplyContext());
    await applyProduct(t.db, item(other), createApplyContext());
    await t.db.insertInto('tds_dead_letter_queue').values({ entity_type: 'stock', zoho_id: id, operation: 'upsert', error: 'refused for good', resolved_at: new Date(), resolution_note: 'checked by hand' }).execute();
    await deleteProduct(t.db, id, createApplyContext());
    await sql`
      INSERT INTO tds_verify_runs (trigger, ok, checked, matching, drifted, missing, extra, requests, report, started_at)
      VALUES ('cli', false, 2, 1, 1, 0, 0, 3, ${JSON.stringify({ entities: [{ entity: 'products', drifted: [{ zoho_id: id, columns: [{ column: 'unit_price', stored: '99', zoho: '100' }] }], missing: [], extra: [], repaired: [] }] })}::jsonb, now())`.execute(t.db);

    const trace = await traceRecord(t.db, 'products', id);
    expect(trace.stored).toMatchObject({ name: raw.name, deleted_at: expect.any(String) });
    const summary = trace.timeline.map((e) => {
      switch (e.kind) {
        case 'webhook':
          return `webhook ${e.outcome}`;
        case 'queue':
          return `queue ${e.status} attempts=${e.attempts} ${e.last_error}`;
        case 'change':
          return `change ${e.op} ${e.columns.join(',')}`;
        case 'dead_letter':
          return `dead_letter ${e.error} resolved=${e.resolution_note}`;
        case 'verify':
          return `verify ${e.result} ${e.columns.join(',')}`;
      }
    });
    expect(summary).toEqual([
      'queue pending attempts=2 Zoho answered 503',
      'webhook accepted',
      'webhook stale',
      `change insert ${['available_stock', 'barcode', 'category_id', 'consumer_price', 'description', 'is_active', 'name', 'name_ar', 'sku', 'stock', 'unit_price', 'wholesale_price', 'zoho_category_id'].join(',')}`,
      'change update unit_price',
      'dead_letter refused for good resolved=checked by hand',
      'change delete deleted_at,is_active,stock',
      'verify drifted unit_price',
    ]);
    // stock is the same record seen from its stock events
    expect((await traceRecord(t.db, 'stock', id)).timeline).toHaveLength(trace.timeline.length);
  });

  it('refuses an unknown entity or an id that is not one', async () => {
    await expect(traceRecord(t.db, 'widgets', '1')).rejects.toBeInstanceOf(ChangeFeedInputError);
    await expect(traceRecord(t.db, 'products', "1' OR '1'='1")).rejects.toBeInstanceOf(ChangeFeedInputError);
    expect(await traceRecord(t.db, 'customers', '42')).toEqual({ entity: 'customers', zoho_id: '42', stored: null, timeline: [] });
  });
});
