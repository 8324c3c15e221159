import { signZohoWebhook, type ZohoClient } from '@tsh/zoho-client';
import { http, HttpResponse } from 'msw';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { WebhookDelivery } from '../src/core/types';
import { syncEntity } from '../src/sync';
import type { EntityType } from '../src/transform';
import { ingestWebhook, type WebhookIngestDeps } from '../src/webhooks';
import type { BatchHandler } from '../src/workers';
import { rawItem } from './apply-fixtures';
import { drainQueue } from './helpers/drain-queue';
import { API, createMswZoho, startWebhookIntake, stopWebhookIntake } from './helpers/msw-zoho';
import type { TestDatabase } from './helpers/test-db';

// Zoho sends money and quantities as JSON numbers (docs/zoho-behaviour.md). A value with more
// digits than a double holds must reach the numeric columns digit for digit, by webhook and by
// sync: the JSON texts below carry the numbers as Zoho would, unquoted.

const SECRET = 'whsecret0123456789abcdef';
const zohoFake = createMswZoho();
let t: TestDatabase;
let zoho: ZohoClient;
let deps: WebhookIngestDeps;
let handlers: Record<EntityType, BatchHandler>;

beforeAll(async () => {
  ({ t, zoho, deps, handlers } = await startWebhookIntake(zohoFake, SECRET));
});
afterAll(() => stopWebhookIntake(zohoFake, t));
afterEach(() => zohoFake.server.resetHandlers());

const RATE = '123456789012345678.123456789';
const STOCK = '12345678901.123456789';
const LOCATION_STOCK = '-0.30000000000000000001';

/** An item's JSON with rate and stock as bare JSON numbers of more digits than a double holds. */
function itemJson(id: string, version: string): string {
  const item = rawItem({ item_id: id, rate: '@RATE', stock_on_hand: '@STOCK', last_modified_time: version });
  (item.locations as Array<Record<string, unknown>>)[0]!.location_available_stock = '@LOCATION';
  return JSON.stringify(item).replace('"@RATE"', RATE).replace('"@STOCK"', STOCK).replace('"@LOCATION"', LOCATION_STOCK);
}

const drain = () => drainQueue(t.db, handlers, { workerId: 'w' });

const stored = async (id: string) =>
  (
    await sql<{ unit_price: string; available_stock: string; location: string }>`
SELECT p.unit_price::text AS unit_price, p.available_stock::text AS available_stock,
       (SELECT s.available_stock::text FROM stock_levels s WHERE s.zoho_item_id = p.zoho_item_id AND s.zoho_location_id = 'L1') AS location
FROM products p WHERE p.zoho_item_id = ${id}`.execute(t.db)
  ).rows[0];

it('a webhook whose item carries them as bare JSON numbers stores every digit', async () => {
  const id = '2163580000006138001';
  const rawBody = Buffer.from(`{"item":${itemJson(id, '2025-06-03T14:22:47+0300')}}`, 'utf8');
  const delivery: WebhookDelivery = { entity: 'products', method: 'POST', query: {}, rawBody, contentType: 'application/json', signature: signZohoWebhook({ secret: SECRET, query: {}, rawBody, contentType: 'application/json' }) };
  expect((await ingestWebhook(deps, delivery)).status).toBe('accepted');
  await drain();
  expect(await stored(id)).toEqual({ unit_price: RATE, available_stock: STOCK, location: LOCATION_STOCK });
  expect(await t.db.selectFrom('tds_dead_letter_queue').select('id').execute()).toEqual([]);
});

it('a full sync reading them from the list and itemdetails answers stores every digit', async () => {
  const id = '2163580000006138002';
  const json = (key: string, extra = '') => new HttpResponse(`{"code":0,"message":"success","${key}":[${itemJson(id, '2025-07-01T09:00:00+0300')}]${extra}}`, { headers: { 'content-type': 'application/json' } });
  zohoFake.server.use(
    http.get(`${API}/inventory/v1/items`, () => json('items', ',"page_context":{"page":1,"per_page":200,"has_more_page":false}')),
    http.get(`${API}/inventory/v1/itemdetails`, () => json('items')),
  );
  const result = await syncEntity({ db: t.db, zoho }, 'products', { mode: 'full' });
  expect(result.status).toBe('succeeded');
  expect(await stored(id)).toEqual({ unit_price: RATE, available_stock: STOCK, location: LOCATION_STOCK });
});
