import { signZohoWebhook, ZohoValidationError } from '@tsh/zoho-client';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookDelivery } from '../src/core/types';
import { transformPriceList, type EntityType } from '../src/transform';
import { parseWebhookRecord } from '../src/transform/entities';
import { ingestWebhook, type WebhookIngestDeps } from '../src/webhooks';
import type { BatchHandler, ItemOutcome } from '../src/workers';
import { rawContact, rawInvoice, rawItem, rawLine } from './apply-fixtures';
import { drainQueue } from './helpers/drain-queue';
import { createMswZoho, startWebhookIntake, stopWebhookIntake } from './helpers/msw-zoho';
import type { TestDatabase } from './helpers/test-db';

// Zoho sends one field name with several types. Through the webhook path (delivery → queue →
// worker → parseWebhookRecord → apply), a field TDS does not store never refuses a record, and
// the stored columns come out right; a bad value in a stored field still sends the record to the
// dead-letter queue with a reason naming the field.

const SECRET = 'whsecret0123456789abcdef';
const zohoFake = createMswZoho();

let t: TestDatabase;
let deps: WebhookIngestDeps;
let handlers: Record<EntityType, BatchHandler>;

beforeAll(async () => {
  ({ t, deps, handlers } = await startWebhookIntake(zohoFake, SECRET));
});
afterAll(() => stopWebhookIntake(zohoFake, t));
beforeEach(async () => {
  await sql`TRUNCATE tds_sync_queue, tds_dead_letter_queue, tds_webhook_events, products, categories, stock_levels, customers, invoices, invoice_lines RESTART IDENTITY CASCADE`.execute(t.db);
  zohoFake.reset();
});

function signed(entity: string, body: unknown): WebhookDelivery {
  const rawBody = Buffer.from(JSON.stringify(body), 'utf8');
  const contentType = 'application/json';
  return { entity, method: 'POST', query: {}, rawBody, contentType, signature: signZohoWebhook({ secret: SECRET, query: {}, rawBody, contentType }) };
}

/** Runs the worker's handlers over the queue until nothing is pending; returns every outcome. */
const drain = (): Promise<ItemOutcome[]> => drainQueue(t.db, handlers);

describe('webhook records with odd types in fields TDS does not store', () => {
  it('an item with custom_field_hash [], purchase_rate "N/A", is_fulfillable 0 and a malformed custom field is stored as sent, without asking Zoho', async () => {
    const item = rawItem({
      rate: '360.00',
      custom_field_hash: [],
      purchase_rate: 'N/A',
      unit: { name: 'box' },
      is_fulfillable: 0,
      is_taxable: 'true',
      created_time: 'yesterday',
      custom_fields: [
        { customfield_id: { bad: 1 }, label: ['x'], api_name: 'cf_warranty', value: { years: 1 } },
        { customfield_id: '1', label: 'Arabic Name', api_name: 'cf_name_ar', value: 'شاي' },
      ],
    });
    expect((await ingestWebhook(deps, signed('products', { item }))).status).toBe('accepted');
    const outcomes = await drain();
    expect(outcomes.map((o) => o.status)).toEqual(['completed']);
    expect(zohoFake.requests()).toBe(0);
    const row = await t.db.selectFrom('products').selectAll().where('zoho_item_id', '=', String(item.item_id)).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: 'USB-C Cable 1m', name_ar: 'شاي', unit_price: '360.00', available_stock: '40.00', is_active: true });
  });

  it('a contact with outstanding_payable_amount "N/A" is stored with its receivable exact', async () => {
    const contact = rawContact({ outstanding_payable_amount: 'N/A', outstanding_receivable_amount: '1500000.125', created_time: 0 });
    expect((await ingestWebhook(deps, signed('customers', { contact }))).status).toBe('accepted');
    expect((await drain()).map((o) => o.status)).toEqual(['completed']);
    expect(zohoFake.requests()).toBe(0);
    const row = await t.db.selectFrom('customers').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ zoho_contact_id: contact.contact_id, outstanding_receivable: '1500000.125', payment_terms: 30 });
  });

  it('an invoice with exchange_rate "" and a line discount "10.00%" is stored with its lines', async () => {
    const invoice = rawInvoice({
      exchange_rate: '',
      line_items: [rawLine({ quantity: '1.000000', rate: '360.00', item_total: '324.00', discount: '10.00%', tax_id: {}, is_fulfillable: 0 })],
      total: '324.00',
    });
    expect((await ingestWebhook(deps, signed('invoices', { invoice }))).status).toBe('accepted');
    expect((await drain()).map((o) => o.status)).toEqual(['completed']);
    expect(zohoFake.requests()).toBe(0);
    expect(await t.db.selectFrom('invoices').select(['zoho_invoice_id', 'total']).execute()).toEqual([{ zoho_invoice_id: invoice.invoice_id, total: '324.00' }]);
    expect(await t.db.selectFrom('invoice_lines').select(['quantity', 'rate', 'item_total']).execute()).toEqual([
      { quantity: '1.000000', rate: '360.00', item_total: '324.00' },
    ]);
  });

  it.each([
    [0, false],
    ['0', false],
    [1, true],
    ['1', true],
    ['true', true],
  ])('a price book with is_increase %j parses as %j (webhook deliveries of a book keep only its id; the record parses the same way)', (isIncrease, expected) => {
    const book = parseWebhookRecord('pricebook', {
      pricebook_id: '4600000000000000001',
      name: 'Wholesale Price List',
      pricebook_type: 'fixed_percentage',
      percentage: '10',
      is_increase: isIncrease,
      pricebook_items: [{ item_id: '4600000000000000002', pricebook_rate: '300.50', price_brackets: 'none' }],
    });
    expect(transformPriceList(book).priceList).toMatchObject({ percentage: '10', is_increase: expected });
  });
});

describe('a bad value in a stored field still refuses the record', () => {
  it('an item whose rate is "abc" (carried and in Zoho) goes to the dead-letter queue, the reason naming rate', async () => {
    const item = rawItem({ rate: 'abc', custom_field_hash: [], purchase_rate: 'N/A' });
    zohoFake.items.set(String(item.item_id), item);
    expect((await ingestWebhook(deps, signed('products', { item }))).status).toBe('accepted');
    const outcomes = await drain();
    expect(outcomes.map((o) => o.status)).toEqual(['failed']);
    const letters = await t.db.selectFrom('tds_dead_letter_queue').select(['zoho_id', 'error']).execute();
    expect(letters).toHaveLength(1);
    expect(letters[0]!.zoho_id).toBe(item.item_id);
    expect(letters[0]!.error).toContain('rate');
    expect(letters[0]!.error).toContain('"abc"');
    expect(letters[0]!.error).not.toContain('purchase_rate');
    expect(await t.db.selectFrom('products').select('id').execute()).toEqual([]);
  });

  it('parseWebhookRecord refuses is_increase "maybe", naming the field', () => {
    const refuse = () => parseWebhookRecord('pricebook', { pricebook_id: '4600000000000000001', name: 'X', is_increase: 'maybe' });
    expect(refuse).toThrow(ZohoValidationError);
    expect(refuse).toThrow(/is_increase/);
  });
});
