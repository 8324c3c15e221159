import { signZohoWebhook } from '@tsh/zoho-client';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebhookRejectedError, type WebhookDelivery } from '../src/core/types';
import { createWebhookIngestor, extractWebhookRecord } from '../src/webhooks';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// Zoho's webhook body is configurable: a custom `${JSONString}` body carries the record itself,
// not wrapped in its singular key. Both shapes are accepted when the record's id field is there.

const SECRET = 'whsecret0123456789abcdef';
const FORM = 'application/x-www-form-urlencoded';
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE tds_webhook_events, tds_sync_queue RESTART IDENTITY`.execute(t.db);
});

function signed(entity: string, body: string, contentType = 'application/json'): WebhookDelivery {
  const rawBody = Buffer.from(body, 'utf8');
  return { entity, method: 'POST', query: {}, rawBody, contentType, signature: signZohoWebhook({ secret: SECRET, query: {}, rawBody, contentType }) };
}

const item = { item_id: '4815000000044208', name: 'Cable', rate: '12.50', last_modified_time: '2025-06-03T14:22:47+0300' };
const contact = { contact_id: '4815000000055001', contact_name: 'Acme', last_modified_time: '2025-06-03T14:22:47+0300' };
const adjustment = { inventory_adjustment_id: '4815000000077001', line_items: [{ item_id: '4815000000044208', quantity_adjusted: '-2' }], last_modified_time: '2025-06-03T14:22:47+0300' };

async function queued() {
  const { rows } = await sql<{ entity_type: string; zoho_id: string; payload: unknown; zoho_last_modified_time: Date | null }>`
    SELECT entity_type, zoho_id, payload, zoho_last_modified_time FROM tds_sync_queue ORDER BY id`.execute(t.db);
  return rows;
}

describe('bare record webhook bodies', () => {
  const ingest = (delivery: WebhookDelivery) => createWebhookIngestor({ db: t.db, secret: SECRET }).ingest(delivery);

  it('stores a bare JSON record exactly as the same record wrapped in its key', async () => {
    expect((await ingest(signed('products', JSON.stringify(item)))).status).toBe('accepted');
    expect((await ingest(signed('customers', JSON.stringify({ contact })))).status).toBe('accepted');
    expect((await ingest(signed('customers', JSON.stringify({ ...contact, contact_id: '4815000000055002' })))).status).toBe('accepted');
    const rows = await queued();
    expect(rows.map((r) => [r.entity_type, r.zoho_id])).toEqual([
      ['products', '4815000000044208'],
      ['customers', '4815000000055001'],
      ['customers', '4815000000055002'],
    ]);
    expect(rows[0]!.payload).toEqual(item);
    expect(rows[0]!.zoho_last_modified_time).toEqual(new Date('2025-06-03T11:22:47Z'));
    expect(rows[2]!.payload).toEqual({ ...contact, contact_id: '4815000000055002' });
  });

  it('accepts a bare record inside a form body\'s JSONString', async () => {
    const body = new URLSearchParams({ JSONString: JSON.stringify(item) }).toString();
    expect((await ingest(signed('products', body, FORM))).status).toBe('accepted');
    expect((await queued()).map((r) => r.zoho_id)).toEqual(['4815000000044208']);
  });

  it('on /stock, a bare adjustment is an adjustment even though its lines name an item', () => {
    expect(extractWebhookRecord('stock', adjustment)).toMatchObject({ key: 'inventory_adjustment', zohoId: '4815000000077001' });
    expect(extractWebhookRecord('stock', item)).toMatchObject({ key: 'item', zohoId: '4815000000044208' });
  });

  it.each([
    ['no id field of the route', 'products', { name: 'Cable' }, 'missing_record'],
    ['another entity\'s bare record', 'products', contact, 'missing_record'],
    ['a blank id', 'products', { item_id: '  ' }, 'missing_record_id'],
    ['an id that lost digits as a JSON number', 'products', '{"item_id":48150000000442081}', 'missing_record_id'],
  ])('still refuses %s with 422 and stores nothing', async (_name, entity, body, code) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const error = await ingest(signed(entity, text)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookRejectedError);
    expect({ status: (error as WebhookRejectedError).status, code: (error as WebhookRejectedError).code }).toEqual({ status: 422, code });
    expect(await queued()).toEqual([]);
  });
});
