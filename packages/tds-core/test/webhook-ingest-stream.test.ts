import { signZohoWebhook } from '@tsh/zoho-client';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookRejectedError, type WebhookDelivery, type WebhookStreamDelivery } from '../src/core/types';
import { createWebhookIngestor, verifyWebhook, verifyWebhookStream, webhookPayloadHash } from '../src/webhooks';
import type { WebhookToStore } from '../src/webhooks/store-webhooks';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

const SECRET = 'whsecret0123456789abcdef';
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

interface Input {
  entity: string;
  body: Buffer;
  contentType?: string;
  query?: Record<string, string>;
  method?: string;
  signature?: string;
}

function delivery(input: Input): WebhookDelivery {
  const contentType = input.contentType ?? JSON_TYPE;
  const query = input.query ?? {};
  const signature = input.signature ?? signZohoWebhook({ secret: SECRET, query, rawBody: input.body, contentType });
  return { entity: input.entity, method: input.method ?? 'POST', query, rawBody: input.body, contentType, signature };
}

async function* chunked(body: Buffer, cuts: number[]): AsyncIterable<Uint8Array> {
  const points = [...new Set(cuts.map((cut) => cut % (body.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const point of [...points, body.length]) {
    yield body.subarray(from, point);
    from = point;
  }
}

function streamOf(d: WebhookDelivery, cuts: number[] = []): WebhookStreamDelivery {
  const { rawBody, ...rest } = d;
  return { ...rest, body: chunked(rawBody, cuts) };
}

/** The outcome of a verification: what would be stored, or the refusal. */
async function outcome(run: () => WebhookToStore | Promise<WebhookToStore>): Promise<unknown> {
  try {
    const stored = await run();
    return { zohoId: stored.zohoId, operation: stored.operation, payloadHash: stored.payloadHash, payload: stored.queueItem.payload ?? null, lastModified: stored.queueItem.zoho_last_modified_time ?? null };
  } catch (error) {
    if (error instanceof WebhookRejectedError) return { status: error.status, code: error.code };
    throw error;
  }
}

const pricebookOf = (items: number, id = '4815000000077001') => ({
  pricebook: {
    pricebook_id: id,
    name: 'Consumer',
    currency_code: 'IQD',
    pricebook_type: 'per_item',
    pricebook_items: Array.from({ length: items }, (_, n) => ({ item_id: String(4815000000100000 + n), name: `صنف ${n}`, pricebook_rate: `${1000 + n}.25` })),
  },
});
const big = (bytes: number) => {
  const base = pricebookOf(0);
  const one = JSON.stringify(pricebookOf(1)).length - JSON.stringify(base).length;
  return Buffer.from(JSON.stringify(pricebookOf(Math.ceil(bytes / one))));
};

describe('verifyWebhookStream', () => {
  const deps = { secret: SECRET, maxBodyBytes: 1024 * 1024, maxFetchedBodyBytes: 8 * 1024 * 1024 };

  it('a 1.5 MB price book, cut anywhere, is verified with its id only and the hash its whole text would have', async () => {
    const body = big(1.5 * 1024 * 1024);
    expect(body.length).toBeGreaterThan(1.5 * 1024 * 1024);
    for (const cuts of [[], [1, 2, 3], [65_536, 700_001, 1_048_576, 1_048_577], Array.from({ length: 50 }, (_, n) => n * 31_337 + 7)]) {
      expect(await outcome(() => verifyWebhookStream(deps, streamOf(delivery({ entity: 'pricelists', body }), cuts)))).toEqual({
        zohoId: '4815000000077001',
        operation: 'upsert',
        payloadHash: webhookPayloadHash('pricelists', 'upsert', body.toString('utf8')),
        payload: null,
        lastModified: null,
      });
    }
  });

  it('the same delivery as a form (JSONString) is accepted too, with the same hash as its JSON', async () => {
    const json = big(1.2 * 1024 * 1024).toString('utf8');
    const body = Buffer.from(new URLSearchParams({ JSONString: json, source: 'books' }).toString());
    const result = await outcome(() => verifyWebhookStream(deps, streamOf(delivery({ entity: 'pricelists', body, contentType: FORM }), [5, 999_999])));
    expect(result).toMatchObject({ zohoId: '4815000000077001', payload: null, payloadHash: webhookPayloadHash('pricelists', 'upsert', json) });
  });

  it('a tampered last byte is 401; over the larger limit is 413; over 1 MB on a route whose record is kept is 413', async () => {
    const body = big(1.5 * 1024 * 1024);
    const good = delivery({ entity: 'pricelists', body });
    const tampered = Buffer.from(body);
    tampered[tampered.length - 1] = 0x20; // `}` → space: still the same JSON value, but not what was signed
    expect(await outcome(() => verifyWebhookStream(deps, streamOf({ ...good, rawBody: tampered }, [1000])))).toEqual({ status: 401, code: 'invalid_signature' });
    expect(await outcome(() => verifyWebhookStream({ ...deps, maxFetchedBodyBytes: 1024 * 1024 + 1000 }, streamOf(good)))).toEqual({ status: 413, code: 'payload_too_large' });
    const product = Buffer.from(JSON.stringify({ item: { item_id: '1', name: 'x'.repeat(1024 * 1024), last_modified_time: '2025-06-03T14:22:47+0300' } }));
    expect(await outcome(() => verifyWebhookStream(deps, streamOf(delivery({ entity: 'products', body: product }), [7])))).toEqual({ status: 413, code: 'payload_too_large' });
    // A host's smaller limit for kept bodies wins over the core's.
    expect(await outcome(() => verifyWebhookStream(deps, { ...streamOf(delivery({ entity: 'products', body: Buffer.from('{"item":{"item_id":"1"}}') })), maxBodyBytes: 10 }))).toEqual({
      status: 413,
      code: 'payload_too_large',
    });
  });

  it('stock: a large item delivery keeps its id and time only; a large adjustment (its lines are what the worker reads) is 413', async () => {
    const item = Buffer.from(JSON.stringify({ item: { item_id: '4815000000044208', description: 'y'.repeat(1.1 * 1024 * 1024), last_modified_time: '2025-06-03T14:22:47+0300' } }));
    expect(await outcome(() => verifyWebhookStream(deps, streamOf(delivery({ entity: 'stock', body: item }), [9])))).toMatchObject({
      zohoId: '4815000000044208',
      payload: null,
      lastModified: '2025-06-03T14:22:47+03:00',
    });
    const lines = Array.from({ length: 30_000 }, (_, n) => ({ item_id: String(n + 1), quantity_adjusted: '-1' }));
    const adjustment = Buffer.from(JSON.stringify({ inventory_adjustment: { inventory_adjustment_id: '77', date: '2025-06-03', line_items: lines } }));
    expect(adjustment.length).toBeGreaterThan(1024 * 1024);
    expect(await outcome(() => verifyWebhookStream(deps, streamOf(delivery({ entity: 'stock', body: adjustment }))))).toEqual({ status: 413, code: 'payload_too_large' });
  });

  it('decides as verifyWebhook does for any body, kind, signature and chunking; past the kept limit it only drops the payload', async () => {
    const small = { secret: SECRET, maxBodyBytes: 300, maxFetchedBodyBytes: 3000 };
    const record = fc.record({
      pricebook_id: fc.oneof(fc.constant('4815000000077001'), fc.integer(), fc.constant(''), fc.constant(null)),
      name: fc.string({ maxLength: 20 }),
      pricebook_items: fc.array(fc.record({ item_id: fc.string({ maxLength: 5 }), rate: fc.string({ maxLength: 5 }) }), { maxLength: 60 }),
    });
    const bodyText = fc.oneof(
      fc.tuple(fc.constantFrom('pricebook', 'item', 'bill'), record).map(([key, r]) => JSON.stringify({ [key]: r })),
      fc.string({ maxLength: 40 }),
    );
    const damage = fc.option(fc.tuple(fc.nat(), fc.constantFrom('', '}', '"', '\u00ff', ' ')), { nil: undefined });
    const scenario = fc.record({
      entity: fc.constantFrom('pricelists', 'products', 'stock'),
      text: bodyText,
      damage,
      form: fc.boolean(),
      badBytes: fc.boolean(),
      signedRight: fc.boolean(),
      cuts: fc.array(fc.nat(), { maxLength: 8 }),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        let text = s.text;
        if (s.damage) {
          const at = s.damage[0] % (text.length + 1);
          text = text.slice(0, at) + s.damage[1] + text.slice(at + 1);
        }
        let body = s.form ? Buffer.from(new URLSearchParams({ JSONString: text }).toString()) : Buffer.from(text);
        if (s.badBytes) body = Buffer.concat([body.subarray(0, body.length >> 1), Buffer.from([0xc3]), body.subarray(body.length >> 1)]);
        const d = delivery({ entity: s.entity, body, contentType: s.form ? FORM : JSON_TYPE, ...(s.signedRight ? {} : { signature: 'a'.repeat(64) }) });
        const streamed = await outcome(() => verifyWebhookStream(small, streamOf(d, s.cuts)));
        const expected = await outcome(() => verifyWebhook({ secret: SECRET, maxBodyBytes: body.length <= small.maxBodyBytes ? small.maxBodyBytes : small.maxFetchedBodyBytes }, d));
        if (body.length <= small.maxBodyBytes || (expected as { status?: number }).status !== undefined) {
          // Refusals agree, except that a kept route refuses any body past its limit (413) before looking further.
          const keptRoute = s.entity === 'products' && body.length > small.maxBodyBytes;
          if (keptRoute || body.length > small.maxFetchedBodyBytes) expect(streamed).toEqual({ status: 413, code: 'payload_too_large' });
          else expect(streamed).toEqual(expected);
          return;
        }
        if (s.entity === 'products' || body.length > small.maxFetchedBodyBytes) expect(streamed).toEqual({ status: 413, code: 'payload_too_large' });
        else if (s.entity === 'stock' && !text.includes('"item"')) expect(streamed).toEqual({ status: 413, code: 'payload_too_large' });
        else expect(streamed).toEqual({ ...(expected as object), payload: null });
      }),
      { numRuns: 400 },
    );
  });
});

describe('ingestStream stores', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a 1.5 MB price book: one inbox row and one queue item naming the book with payload null; a repeat is a duplicate, a changed book is stored again', async () => {
    const ingestor = createWebhookIngestor({ db: t.db, secret: SECRET });
    const body = big(1.5 * 1024 * 1024);
    const first = await ingestor.ingestStream(streamOf(delivery({ entity: 'pricelists', body }), [100_000]));
    expect(first.status).toBe('accepted');
    expect((await ingestor.ingestStream(streamOf(delivery({ entity: 'pricelists', body }), [3]))).status).toBe('duplicate');
    const changed = Buffer.from(body.toString('utf8').replace('"Consumer"', '"Consumer 2"'));
    expect((await ingestor.ingestStream(streamOf(delivery({ entity: 'pricelists', body: changed })))).status).toBe('accepted');
    const { rows } = await sql<{ zoho_id: string; payload: unknown; entity_type: string }>`SELECT zoho_id, payload, entity_type FROM tds_sync_queue ORDER BY id`.execute(t.db);
    // The changed book's item merged into the pending one: the worker fetches the book once, as it is now.
    expect(rows).toEqual([{ zoho_id: '4815000000077001', payload: null, entity_type: 'pricelists' }]);
    const tampered = Buffer.from(body);
    tampered[tampered.length - 2] ^= 1;
    await expect(ingestor.ingestStream(streamOf({ ...delivery({ entity: 'pricelists', body }), rawBody: tampered }))).rejects.toMatchObject({ status: 401 });
    const { rows: events } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM tds_webhook_events`.execute(t.db);
    expect(events[0].n).toBe(2);
  });
});
