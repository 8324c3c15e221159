import { signZohoWebhook } from '@tsh/zoho-client';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebhookRejectedError, type WebhookDelivery } from '../src/core/types';
import { createWebhookBatcher, createWebhookIngestor, ingestWebhook, storeWebhooks, verifyWebhook, type WebhookIngestDeps } from '../src/webhooks';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

const SECRET = 'whsecret0123456789abcdef';

let t: TestDatabase;
let deps: WebhookIngestDeps;

beforeAll(async () => {
  t = await createTestDatabase();
  deps = { db: t.db, secret: SECRET };
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE tds_webhook_events, tds_sync_queue RESTART IDENTITY`.execute(t.db);
});

type Query = Record<string, string | string[]>;

interface DeliveryInput {
  entity?: string;
  method?: string;
  query?: Query;
  body: string | Buffer;
  contentType?: string;
  secret?: string;
}

/** A delivery signed exactly as Zoho signs it (query + form pairs sorted, raw JSON body appended). */
function signed(input: DeliveryInput): WebhookDelivery {
  const rawBody = Buffer.isBuffer(input.body) ? input.body : Buffer.from(input.body, 'utf8');
  const contentType = 'contentType' in input ? input.contentType : 'application/json';
  const query = input.query ?? {};
  return {
    entity: input.entity ?? 'products',
    method: input.method ?? 'POST',
    query,
    rawBody,
    contentType,
    signature: signZohoWebhook({ secret: input.secret ?? SECRET, query, rawBody, contentType }),
  };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';

const item = { item_id: '4815000000044208', name: 'Cable  "HDMI" 2m', rate: 1250000000.25, status: 'active', last_modified_time: '2025-06-03T14:22:47+0300' };
const itemJson = JSON.stringify({ item });

async function counts(): Promise<{ events: number; queue: number }> {
  const { rows } = await sql<{ events: number; queue: number }>`
    SELECT (SELECT count(*)::int FROM tds_webhook_events) AS events, (SELECT count(*)::int FROM tds_sync_queue) AS queue`.execute(t.db);
  return rows[0];
}

const queueItems = () => t.db.selectFrom('tds_sync_queue').selectAll().orderBy('id').execute();
const inboxRows = () => t.db.selectFrom('tds_webhook_events').selectAll().orderBy('id').execute();

async function rejection(delivery: WebhookDelivery, ingestDeps: WebhookIngestDeps = deps): Promise<WebhookRejectedError> {
  const error = await ingestWebhook(ingestDeps, delivery).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookRejectedError);
  return error as WebhookRejectedError;
}

describe('accepted deliveries', () => {
  it('stores a signed JSON delivery as one inbox row and one queue item', async () => {
    const result = await ingestWebhook(deps, signed({ body: itemJson, query: { source: 'zoho' } }));
    expect(result.status).toBe('accepted');

    const [queued] = await queueItems();
    expect(queued).toMatchObject({
      entity_type: 'products',
      zoho_id: '4815000000044208',
      operation: 'upsert',
      status: 'pending',
      source: 'webhook',
      payload: item,
    });
    expect(queued.zoho_last_modified_time?.toISOString()).toBe('2025-06-03T11:22:47.000Z');
    expect(result.queueItemId).toBe(queued.id);

    const [event] = await inboxRows();
    expect(event).toMatchObject({
      id: result.eventId,
      entity: 'products',
      zoho_id: '4815000000044208',
      method: 'POST',
      event: 'upsert',
      signature_ok: true,
      queue_item_id: queued.id,
      query: { source: 'zoho' },
      error: null,
    });
    expect(event.payload_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await counts()).toEqual({ events: 1, queue: 1 });
  });

  it('stores a form-encoded delivery whose JSON is in JSONString, signed over the sorted form and query pairs', async () => {
    const contact = { contact_id: '99001', contact_name: 'شركة الرافدين', contact_type: 'customer', last_modified_time: '2025-06-04T09:00:00+0300' };
    const body = form({ JSONString: JSON.stringify({ contact }), zeta: 'z' });
    const result = await ingestWebhook(deps, signed({ entity: 'customers', body, contentType: `${FORM}; charset=UTF-8`, query: { org: '42' } }));
    expect(result.status).toBe('accepted');
    const [queued] = await queueItems();
    expect(queued).toMatchObject({ entity_type: 'customers', zoho_id: '99001', operation: 'upsert', payload: contact, source: 'webhook' });
    expect(await counts()).toEqual({ events: 1, queue: 1 });
  });

  it('takes numeric record ids and a record without last_modified_time (price books have none)', async () => {
    const pricebook = { pricebook_id: 460000000026049, name: 'Wholesale Price List', pricebook_items: [{ item_id: '1', pricebook_rate: '10.125' }] };
    await ingestWebhook(deps, signed({ entity: 'pricelists', body: JSON.stringify({ pricebook }) }));
    const [queued] = await queueItems();
    // No timestamp to order deliveries by: the worker fetches the book's current version.
    expect(queued).toMatchObject({ entity_type: 'pricelists', zoho_id: '460000000026049', zoho_last_modified_time: null, payload: null });
  });

  it('stores a record that changed and changed back (A, B, A); only a repeat of the latest delivery is a duplicate', async () => {
    const version = (rate: string) => JSON.stringify({ item: { item_id: '77', name: 'Cable', rate, last_modified_time: '2025-06-03T14:22:47+0300' } });
    const answers = [];
    for (const body of [version('100'), version('100'), version('120'), version('100')]) {
      answers.push((await ingestWebhook(deps, signed({ entity: 'products', body }))).status);
    }
    expect(answers).toEqual(['accepted', 'duplicate', 'accepted', 'accepted']);
    expect(await t.db.selectFrom('tds_webhook_events').select('id').execute()).toHaveLength(3);
  });

  it('routes item, inventory adjustment and transfer order records to the stock route', async () => {
    const adjustment = { inventory_adjustment_id: 'ia-1', line_items: [{ item_id: '7', quantity_adjusted: '-2.5' }] };
    const transfer = { transfer_order_id: 'to-1', line_items: [{ item_id: '7', quantity_transfer: '3' }] };
    await ingestWebhook(deps, signed({ entity: 'stock', body: itemJson }));
    await ingestWebhook(deps, signed({ entity: 'stock', body: JSON.stringify({ inventory_adjustment: adjustment }) }));
    await ingestWebhook(deps, signed({ entity: 'stock', body: JSON.stringify({ transfer_order: transfer }) }));
    const items = await queueItems();
    expect(items.map((i) => [i.entity_type, i.zoho_id])).toEqual([
      ['stock', '4815000000044208'],
      ['stock', 'ia-1'],
      ['stock', 'to-1'],
    ]);
    expect(items[1].payload).toEqual(adjustment);
  });

  it('turns DELETE into a delete operation', async () => {
    await ingestWebhook(deps, signed({ method: 'DELETE', body: itemJson }));
    const [queued] = await queueItems();
    expect(queued.operation).toBe('delete');
    expect((await inboxRows())[0]).toMatchObject({ method: 'DELETE', event: 'delete' });
  });

  it('turns ?event=deleted on a POST into a delete operation', async () => {
    await ingestWebhook(deps, signed({ method: 'POST', body: itemJson, query: { event: 'deleted' } }));
    const [queued] = await queueItems();
    expect(queued.operation).toBe('delete');
    expect((await inboxRows())[0]).toMatchObject({ method: 'POST', event: 'delete', query: { event: 'deleted' } });
  });

  it('keeps the newer pending version when an older one arrives later, and still records the delivery', async () => {
    const newer = { ...item, rate: '2', last_modified_time: '2025-06-03T15:00:00+0300' };
    await ingestWebhook(deps, signed({ body: JSON.stringify({ item: newer }) }));
    const older = await ingestWebhook(deps, signed({ body: itemJson }));
    expect(older.status).toBe('accepted');
    const items = await queueItems();
    expect(items).toHaveLength(1);
    expect(items[0].payload).toEqual(newer);
    expect(older.queueItemId).toBe(items[0].id);
    expect(await counts()).toEqual({ events: 2, queue: 1 });
  });
});

describe('duplicates', () => {
  it('answers a repeated delivery with duplicate and stores nothing new', async () => {
    const first = await ingestWebhook(deps, signed({ body: itemJson }));
    const second = await ingestWebhook(deps, signed({ body: itemJson }));
    expect(first.status).toBe('accepted');
    expect(second).toEqual({ status: 'duplicate', eventId: first.eventId, queueItemId: first.queueItemId });
    expect(await counts()).toEqual({ events: 1, queue: 1 });
  });

  it('stores one row when copies of a delivery arrive at the same time', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => ingestWebhook(deps, signed({ body: itemJson }))));
    expect(results.filter((r) => r.status === 'accepted')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(5);
    expect(await counts()).toEqual({ events: 1, queue: 1 });
  });

  it('does not take a delete of the same record, or the same record on another route, for a duplicate', async () => {
    await ingestWebhook(deps, signed({ body: itemJson }));
    const deleted = await ingestWebhook(deps, signed({ method: 'DELETE', body: itemJson }));
    const onStock = await ingestWebhook(deps, signed({ entity: 'stock', body: itemJson }));
    expect(deleted.status).toBe('accepted');
    expect(onStock.status).toBe('accepted');
    expect(await counts()).toEqual({ events: 3, queue: 2 });
  });
});

describe('refusals store nothing', () => {
  const form422 = form({ other: 'x' });
  const cases: Array<{ name: string; delivery: () => WebhookDelivery; status: number; code: string; deps?: () => WebhookIngestDeps }> = [
    { name: 'missing signature', delivery: () => ({ ...signed({ body: itemJson }), signature: undefined }), status: 401, code: 'missing_signature' },
    { name: 'empty signature', delivery: () => ({ ...signed({ body: itemJson }), signature: '' }), status: 401, code: 'missing_signature' },
    {
      name: 'signature of the right length but the wrong value',
      delivery: () => {
        const d = signed({ body: itemJson });
        const flipped = (d.signature![0] === 'a' ? 'b' : 'a') + d.signature!.slice(1);
        return { ...d, signature: flipped };
      },
      status: 401,
      code: 'invalid_signature',
    },
    { name: 'garbage signature', delivery: () => ({ ...signed({ body: itemJson }), signature: 'not-hex-at-all' }), status: 401, code: 'invalid_signature' },
    { name: 'signature made with another secret', delivery: () => signed({ body: itemJson, secret: 'another-secret-123' }), status: 401, code: 'invalid_signature' },
    {
      name: 'tampered JSON body',
      delivery: () => ({ ...signed({ body: itemJson }), rawBody: Buffer.from(itemJson.replace('1250000000.25', '1.25')) }),
      status: 401,
      code: 'invalid_signature',
    },
    {
      name: 'tampered form JSONString',
      delivery: () => {
        const d = signed({ body: form({ JSONString: itemJson }), contentType: FORM });
        return { ...d, rawBody: Buffer.from(form({ JSONString: itemJson.replace('active', 'inactive') })) };
      },
      status: 401,
      code: 'invalid_signature',
    },
    {
      name: 'query parameter changed after signing',
      delivery: () => ({ ...signed({ body: itemJson, query: { org: '42' } }), query: { org: '43' } }),
      status: 401,
      code: 'invalid_signature',
    },
    {
      name: 'event=deleted added after signing',
      delivery: () => ({ ...signed({ body: itemJson }), query: { event: 'deleted' } }),
      status: 401,
      code: 'invalid_signature',
    },
    { name: 'malformed JSON', delivery: () => signed({ body: '{"item": {"item_id": "1",' }), status: 400, code: 'invalid_json' },
    { name: 'malformed JSONString', delivery: () => signed({ body: form({ JSONString: '{"item":' }), contentType: FORM }), status: 400, code: 'invalid_json_string' },
    { name: 'empty body', delivery: () => signed({ body: '' }), status: 400, code: 'empty_body' },
    {
      name: 'bytes that are not UTF-8',
      delivery: () => signed({ body: Buffer.concat([Buffer.from('{"item":{"item_id":"1","name":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}}')]) }),
      status: 400,
      code: 'invalid_encoding',
    },
    {
      name: 'JSONString with an escape that is not UTF-8',
      delivery: () => signed({ body: `JSONString=${encodeURIComponent('{"item":{"item_id":"1","name":"')}%FF%FE${encodeURIComponent('"}}')}`, contentType: FORM }),
      status: 400,
      code: 'invalid_encoding',
    },
    { name: 'text/plain', delivery: () => signed({ body: itemJson, contentType: 'text/plain' }), status: 415, code: 'unsupported_media_type' },
    { name: 'no content type', delivery: () => signed({ body: itemJson, contentType: undefined }), status: 415, code: 'unsupported_media_type' },
    { name: 'JSON in latin-1', delivery: () => signed({ body: itemJson, contentType: 'application/json; charset=iso-8859-1' }), status: 415, code: 'unsupported_media_type' },
    { name: 'contact posted to /products', delivery: () => signed({ body: JSON.stringify({ contact: { contact_id: '1' } }) }), status: 422, code: 'entity_mismatch' },
    { name: 'invoice posted to /stock', delivery: () => signed({ entity: 'stock', body: JSON.stringify({ invoice: { invoice_id: '1' } }) }), status: 422, code: 'entity_mismatch' },
    { name: 'no record at all', delivery: () => signed({ body: JSON.stringify({ hello: 'world' }) }), status: 422, code: 'missing_record' },
    { name: 'a JSON array', delivery: () => signed({ body: JSON.stringify([{ item }]) }), status: 422, code: 'not_an_object' },
    { name: 'record without an id', delivery: () => signed({ body: JSON.stringify({ item: { name: 'x' } }) }), status: 422, code: 'missing_record_id' },
    { name: 'blank id', delivery: () => signed({ body: JSON.stringify({ item: { item_id: '  ' } }) }), status: 422, code: 'missing_record_id' },
    { name: 'id that lost digits as a JSON number', delivery: () => signed({ body: '{"item":{"item_id":48150000000442081}}' }), status: 422, code: 'missing_record_id' },
    { name: 'unreadable last_modified_time', delivery: () => signed({ body: JSON.stringify({ item: { item_id: '1', last_modified_time: 'yesterday' } }) }), status: 422, code: 'invalid_record' },
    { name: 'NUL character in the record', delivery: () => signed({ body: JSON.stringify({ item: { item_id: '1', name: 'a\u0000b' } }) }), status: 422, code: 'invalid_record' },
    { name: 'unpaired surrogate (half an emoji) in the record', delivery: () => signed({ body: JSON.stringify({ item: { item_id: '1', name: 'a\ud83d' } }) }), status: 422, code: 'invalid_record' },
    { name: 'form without JSONString', delivery: () => signed({ body: form422, contentType: FORM }), status: 422, code: 'missing_json_string' },
    {
      name: 'oversized body',
      delivery: () => signed({ body: JSON.stringify({ item: { ...item, description: 'x'.repeat(2048) } }) }),
      deps: () => ({ ...deps, maxBodyBytes: 1024 }),
      status: 413,
      code: 'payload_too_large',
    },
    { name: 'unknown entity path', delivery: () => signed({ entity: 'widgets', body: itemJson }), status: 404, code: 'unknown_entity' },
    { name: 'prototype key as entity path', delivery: () => signed({ entity: '__proto__', body: itemJson }), status: 404, code: 'unknown_entity' },
    { name: 'GET', delivery: () => signed({ method: 'GET', body: itemJson }), status: 405, code: 'method_not_allowed' },
  ];

  for (const c of cases) {
    it(`${c.status} ${c.code}: ${c.name}`, async () => {
      const error = await rejection(c.delivery(), c.deps?.() ?? deps);
      expect({ status: error.status, code: error.code }).toEqual({ status: c.status, code: c.code });
      expect(error.message.length).toBeGreaterThan(0);
      expect(await counts()).toEqual({ events: 0, queue: 0 });
    });
  }

  it('checks in order: entity path, size, content type, signature, body', async () => {
    const unsigned = (d: WebhookDelivery) => ({ ...d, signature: undefined });
    const big = signed({ body: 'x'.repeat(2000), contentType: 'text/plain' });
    expect((await rejection(unsigned({ ...big, entity: 'widgets' }))).status).toBe(404);
    expect((await rejection(unsigned(big), { ...deps, maxBodyBytes: 1000 })).status).toBe(413);
    expect((await rejection(unsigned(big))).status).toBe(415);
    expect((await rejection(unsigned(signed({ body: '{bad json' })))).status).toBe(401);
    expect((await rejection(signed({ body: '{bad json' }))).status).toBe(400);
    expect(await counts()).toEqual({ events: 0, queue: 0 });
  });

  it('refuses everything when the secret is empty, even a delivery signed with an empty key', async () => {
    const error = await rejection(signed({ body: itemJson, secret: '' }), { ...deps, secret: '' });
    expect(error.status).toBe(401);
    expect(await counts()).toEqual({ events: 0, queue: 0 });
  });
});

describe('secrets', () => {
  it('never logs the secret or the signature', async () => {
    const lines: string[] = [];
    const capture = (obj: object, msg?: string) => lines.push(JSON.stringify({ obj, msg }));
    const logger = { debug: capture, info: capture, warn: capture, error: capture };
    const good = signed({ body: itemJson });
    const bad = { ...signed({ body: itemJson }), rawBody: Buffer.from(itemJson.replace('active', 'x')) };
    await ingestWebhook({ ...deps, logger }, good);
    await ingestWebhook({ ...deps, logger }, bad).catch(() => undefined);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const text = lines.join('\n');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(good.signature);
    expect(text).not.toContain(bad.signature);
  });

  it('createWebhookIngestor refuses to exist without a secret', () => {
    expect(() => createWebhookIngestor({ db: t.db, secret: '' })).toThrow(/ZOHO_WEBHOOK_SECRET/);
    expect(() => createWebhookIngestor({ db: t.db, secret: '   ' })).toThrow(/secret/);
    expect(() => createWebhookIngestor({ db: t.db, secret: SECRET, maxBodyBytes: 0 })).toThrow(/maxBodyBytes/);
  });

  it('createWebhookIngestor stores through the same path', async () => {
    const ingestor = createWebhookIngestor({ db: t.db, secret: SECRET });
    expect((await ingestor.ingest(signed({ body: itemJson }))).status).toBe('accepted');
    expect(await counts()).toEqual({ events: 1, queue: 1 });
  });
});

describe('deliveries written together (createWebhookIngestor)', () => {
  it('stores one row for copies arriving together, and both records of a batch', async () => {
    const ingestor = createWebhookIngestor({ db: t.db, secret: SECRET, batch: { maxConcurrent: 1 } });
    const other = JSON.stringify({ item: { ...item, item_id: '777', name: 'Other' } });
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => ingestor.ingest(signed({ body: itemJson }))),
      ingestor.ingest(signed({ body: other })),
      ingestor.ingest(signed({ method: 'DELETE', body: other })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'accepted', 'accepted']);
    expect(new Set(results.slice(0, 5).map((r) => r.eventId)).size).toBe(1);
    expect(await counts()).toEqual({ events: 3, queue: 2 });
    const items = await queueItems();
    expect(items.map((i) => [i.zoho_id, i.operation])).toEqual([
      ['4815000000044208', 'upsert'],
      ['777', 'delete'],
    ]);
    // Both deliveries of record 777 point at the one pending item that holds it.
    const rows = await inboxRows();
    expect(rows.filter((r) => r.zoho_id === '777').map((r) => r.queue_item_id)).toEqual([items[1].id, items[1].id]);
  });

  it('answers duplicate for a copy of a delivery stored by an earlier batch', async () => {
    const ingestor = createWebhookIngestor({ db: t.db, secret: SECRET });
    const first = await ingestor.ingest(signed({ body: itemJson }));
    const [again, fresh] = await Promise.all([
      ingestor.ingest(signed({ body: itemJson })),
      ingestor.ingest(signed({ body: JSON.stringify({ item: { ...item, item_id: '5' } }) })),
    ]);
    expect(again).toEqual({ status: 'duplicate', eventId: first.eventId, queueItemId: first.queueItemId });
    expect(fresh.status).toBe('accepted');
    expect(await counts()).toEqual({ events: 2, queue: 2 });
  });

  it('refusals from the ingestor store nothing', async () => {
    const ingestor = createWebhookIngestor({ db: t.db, secret: SECRET });
    const tampered = { ...signed({ body: itemJson }), rawBody: Buffer.from(itemJson.replace('active', 'inactive')) };
    await expect(ingestor.ingest(tampered)).rejects.toMatchObject({ status: 401, code: 'invalid_signature' });
    await expect(ingestor.ingest(signed({ body: '{' }))).rejects.toMatchObject({ status: 400, code: 'invalid_json' });
    expect(await counts()).toEqual({ events: 0, queue: 0 });
  });

  it('a batch that fails is written again one delivery at a time: only the bad one fails', async () => {
    const batcher = createWebhookBatcher(t.db, { maxConcurrent: 1 });
    const good = (id: string) => verifyWebhook(deps, signed({ body: JSON.stringify({ item: { ...item, item_id: id } }) }));
    // PostgreSQL refuses a NUL in jsonb: a delivery the checks would never let through, forced in here.
    const bad = { ...good('bad'), query: { note: 'a\u0000b' } };
    const outcomes = await Promise.allSettled([batcher.store(good('g1')), batcher.store(good('g2')), batcher.store(bad), batcher.store(good('g3'))]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const items = await queueItems();
    expect(items.map((i) => i.zoho_id).sort()).toEqual(['g1', 'g2', 'g3']);
    expect(await counts()).toEqual({ events: 3, queue: 3 });
  });

  it('storeWebhooks keeps input order in its results', async () => {
    const a = verifyWebhook(deps, signed({ body: JSON.stringify({ item: { ...item, item_id: 'a' } }) }));
    const b = verifyWebhook(deps, signed({ body: JSON.stringify({ item: { ...item, item_id: 'b' } }) }));
    const results = await storeWebhooks(t.db, [a, b, a]);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'duplicate']);
    expect(results[2].eventId).toBe(results[0].eventId);
    const rows = await inboxRows();
    expect(rows.map((r) => [r.id, r.zoho_id])).toEqual([
      [results[0].eventId, 'a'],
      [results[1].eventId, 'b'],
    ]);
  });
});
