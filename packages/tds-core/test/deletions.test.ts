import { signZohoWebhook, type ZohoClient } from '@tsh/zoho-client';
import { http, HttpResponse } from 'msw';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deleteProduct } from '../src/apply/product';
import { createApplyContext } from '../src/apply/apply-context';
import type { WebhookDelivery } from '../src/core/types';
import { fetchItemsByIds } from '../src/handlers';
import { enqueueMany } from '../src/queue';
import { syncEntity } from '../src/sync';
import type { EntityType } from '../src/transform';
import { ingestWebhook, STALE_DELIVERY_NOTE, type WebhookIngestDeps } from '../src/webhooks';
import type { BatchHandler } from '../src/workers';
import { rawContact, rawItem } from './apply-fixtures';
import { drainQueue } from './helpers/drain-queue';
import { API, createMswZoho, startWebhookIntake, stopWebhookIntake } from './helpers/msw-zoho';
import type { TestDatabase } from './helpers/test-db';

// Deletions confirmed with Zoho, restores, stale and replayed deliveries: docs/deletions.md.

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
beforeEach(async () => {
  await sql`TRUNCATE tds_sync_queue, tds_dead_letter_queue, tds_webhook_events, products, categories, stock_levels, customers RESTART IDENTITY CASCADE`.execute(t.db);
  zohoFake.reset();
});

function signed(entity: string, body: unknown, options: { method?: string; query?: Record<string, string> } = {}): WebhookDelivery {
  const rawBody = Buffer.from(JSON.stringify(body), 'utf8');
  const query = options.query ?? {};
  const contentType = 'application/json';
  return { entity, method: options.method ?? 'POST', query, rawBody, contentType, signature: signZohoWebhook({ secret: SECRET, query, rawBody, contentType }) };
}

/** The same signed bytes sent with another method: the signature does not cover it. */
const asMethod = (delivery: WebhookDelivery, method: string): WebhookDelivery => ({ ...delivery, method });

/** Runs the worker's handlers over the queue until nothing is pending. */
const drain = async (): Promise<void> => {
  await drainQueue(t.db, handlers);
};

/** drain, once the pause before a repeated check has passed (its items made due now). */
const drainAfterPause = async (): Promise<void> => {
  await sql`UPDATE tds_sync_queue SET run_after = now() WHERE status = 'pending'`.execute(t.db);
  await drain();
};

const product = (id: string) => t.db.selectFrom('products').selectAll().where('zoho_item_id', '=', id).executeTakeFirstOrThrow();
const deadLetters = () => t.db.selectFrom('tds_dead_letter_queue').selectAll().execute();
const pending = () => t.db.selectFrom('tds_sync_queue').select('id').where('status', '=', 'pending').execute();

/** An item Zoho has, already stored (through its webhook, which costs no request). */
async function storedLiveItem(overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const item = rawItem(overrides);
  zohoFake.items.set(String(item.item_id), item);
  expect((await ingestWebhook(deps, signed('products', { item }))).status).toBe('accepted');
  await drain();
  expect(zohoFake.requests()).toBe(0);
  return item;
}

describe('deletions are confirmed with Zoho', () => {
  it('a signed POST replayed as DELETE leaves a live item active, for one itemdetails request', async () => {
    const item = await storedLiveItem();
    const post = signed('products', { item });
    expect((await ingestWebhook(deps, asMethod(post, 'DELETE'))).status).toBe('accepted');
    await drain();
    const row = await product(String(item.item_id));
    expect(row.deleted_at).toBeNull();
    expect(row.is_active).toBe(true);
    expect(zohoFake.requests('/inventory/v1/itemdetails')).toBe(1);
    expect(zohoFake.requests()).toBe(1);
  });

  it('event=deleted for a live item leaves it active, for one request', async () => {
    const item = await storedLiveItem();
    expect((await ingestWebhook(deps, signed('products', { item }, { query: { event: 'deleted' } }))).status).toBe('accepted');
    await drain();
    expect((await product(String(item.item_id))).deleted_at).toBeNull();
    expect(zohoFake.requests()).toBe(1);
  });

  it('a DELETE of a contact Zoho still has (changed since) applies Zoho\'s record instead, for one detail GET', async () => {
    const contact = rawContact();
    expect((await ingestWebhook(deps, signed('customers', { contact }))).status).toBe('accepted');
    await drain();
    zohoFake.contacts.set(String(contact.contact_id), { ...contact, contact_name: 'Renamed', last_modified_time: '2025-06-04T10:00:00+0300' });
    await ingestWebhook(deps, signed('customers', { contact }, { method: 'DELETE' }));
    await drain();
    const row = await t.db.selectFrom('customers').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ deleted_at: null, is_active: true, name: 'Renamed' });
    expect(zohoFake.requests('/books/v3/contacts/:id')).toBe(1);
    expect(zohoFake.requests()).toBe(1);
  });

  it('a real deletion (Zoho answers 404) soft-deletes the item and its stock rows', async () => {
    const item = await storedLiveItem();
    zohoFake.items.delete(String(item.item_id));
    await ingestWebhook(deps, signed('products', { item }, { method: 'DELETE' }));
    await drain();
    const row = await product(String(item.item_id));
    expect(row.deleted_at).toBeInstanceOf(Date);
    expect(row.is_active).toBe(false);
    const stock = await t.db.selectFrom('stock_levels').select('deleted_at').where('zoho_item_id', '=', String(item.item_id)).execute();
    expect(stock.every((s) => s.deleted_at instanceof Date)).toBe(true);
    // itemdetails leaves the id out, so it is asked for alone: only its 404 counts as a deletion.
    expect(zohoFake.requests('/inventory/v1/itemdetails')).toBe(1);
    expect(zohoFake.requests('/inventory/v1/items/:id')).toBe(1);
    expect(zohoFake.requests()).toBe(2);
  });

  it('a deletion Zoho confirms goes through even when the copy it carried is older than the stored row', async () => {
    const item = await storedLiveItem({ last_modified_time: '2025-06-05T10:00:00+0300' });
    zohoFake.items.delete(String(item.item_id));
    // Queued before the newer version was stored (so not stale at intake); Zoho has no such item any more.
    const older = { ...item, last_modified_time: '2025-06-01T10:00:00+0300' };
    await enqueueMany(t.db, [{ entity_type: 'products', zoho_id: String(item.item_id), operation: 'delete', payload: older, zoho_last_modified_time: '2025-06-01T10:00:00+0300' }]);
    await drain();
    expect((await product(String(item.item_id))).deleted_at).toBeInstanceOf(Date);
    expect(zohoFake.requests()).toBe(2);
  });
});

describe('restoring soft-deleted rows', () => {
  it('a DELETE of a wrongly deleted item asks Zoho, and its live answer at the same version restores the row and its stock', async () => {
    const item = await storedLiveItem();
    // A deletion made before deletions were confirmed: the row is deleted, Zoho still has the item.
    await deleteProduct(t.db, String(item.item_id), createApplyContext());
    expect((await ingestWebhook(deps, signed('products', { item }, { method: 'DELETE' }))).status).toBe('accepted');
    await drain();
    const row = await product(String(item.item_id));
    expect(row.deleted_at).toBeNull();
    expect(row.is_active).toBe(true);
    const stock = await t.db.selectFrom('stock_levels').select('deleted_at').where('zoho_item_id', '=', String(item.item_id)).execute();
    expect(stock).toHaveLength(2);
    expect(stock.every((s) => s.deleted_at === null)).toBe(true);
    expect(zohoFake.requests()).toBe(1);
  });

  it('a delivered copy of a wrongly deleted item at the same version is checked with Zoho, which restores it', async () => {
    const item = await storedLiveItem();
    await deleteProduct(t.db, String(item.item_id), createApplyContext());
    // Another delivery of the same version (any other body text: not a repeat of the latest delivery).
    expect((await ingestWebhook(deps, signed('products', { item, note: 'resent' }))).status).toBe('accepted');
    await drain();
    expect((await product(String(item.item_id))).deleted_at).toBeNull();
    expect(zohoFake.requests()).toBe(1);
  });

  it('a replayed POST of a really deleted item does not bring it back', async () => {
    const item = await storedLiveItem();
    zohoFake.items.delete(String(item.item_id));
    await ingestWebhook(deps, signed('products', { item }, { method: 'DELETE' }));
    await drain();
    await ingestWebhook(deps, signed('products', { item }));
    await drain();
    expect((await product(String(item.item_id))).deleted_at).toBeInstanceOf(Date);
  });

  it('a full sync restores every soft-deleted row whose record Zoho lists live, at its own version', async () => {
    const items = [await storedLiveItem(), await storedLiveItem(), await storedLiveItem()];
    for (const item of items.slice(0, 2)) await deleteProduct(t.db, String(item.item_id), createApplyContext());
    const result = await syncEntity({ db: t.db, zoho }, 'products', { mode: 'full' });
    expect(result.status).toBe('succeeded');
    for (const item of items) expect((await product(String(item.item_id))).deleted_at).toBeNull();
    expect(zohoFake.requests('/inventory/v1/items')).toBe(1);
    // Only the two deleted rows are fetched again (one itemdetails batch); the live one is unchanged.
    expect(zohoFake.requests('/inventory/v1/itemdetails')).toBe(1);
  });
});

describe('stale and replayed deliveries', () => {
  it('acknowledges a delivery older than the stored version as stale: logged in the inbox, nothing queued', async () => {
    const item = await storedLiveItem({ last_modified_time: '2025-06-05T10:00:00+0300' });
    const old = { ...item, rate: 1, last_modified_time: '2025-06-01T10:00:00+0300' };
    const result = await ingestWebhook(deps, signed('products', { item: old }));
    expect(result).toMatchObject({ status: 'stale', queueItemId: null });
    const inbox = await t.db.selectFrom('tds_webhook_events').selectAll().where('id', '=', result.eventId).executeTakeFirstOrThrow();
    expect(inbox).toMatchObject({ queue_item_id: null, error: STALE_DELIVERY_NOTE });
    expect(await pending()).toHaveLength(0);
    // The same stale delivery again adds no inbox row.
    expect((await ingestWebhook(deps, signed('products', { item: old }))).status).toBe('duplicate');
    // A stale DELETE is stale too: nothing is checked, nothing deleted.
    expect((await ingestWebhook(deps, signed('products', { item: old }, { method: 'DELETE' }))).status).toBe('stale');
    await drain();
    expect((await product(String(item.item_id))).deleted_at).toBeNull();
    expect(zohoFake.requests()).toBe(0);
  });

  it('alternating replays of an old and a new stock delivery: the newest wins; once both were fetched, the replays wait for the pause and become one fetch', async () => {
    const item = await storedLiveItem({ last_modified_time: '2025-06-01T10:00:00+0300', stock_on_hand: '5' });
    const newer = { ...item, stock_on_hand: '9', last_modified_time: '2025-06-02T10:00:00+0300' };
    zohoFake.items.set(String(item.item_id), newer);
    const oldDelivery = signed('stock', { item });
    const newDelivery = signed('stock', { item: newer });
    const answers: string[] = [];
    for (let round = 0; round < 6; round++) {
      for (const delivery of [newDelivery, oldDelivery]) {
        answers.push((await ingestWebhook(deps, delivery)).status);
        await drain();
      }
    }
    expect((await product(String(item.item_id))).available_stock).toBe('9');
    expect(zohoFake.requests()).toBe(2);
    expect(answers.slice(0, 2)).toEqual(['accepted', 'accepted']);
    // Each answered delivery may be asked about once more after the pause; the replays merge into one queue item.
    expect(answers.slice(2).filter((a) => a === 'accepted').length).toBeLessThanOrEqual(2);
    expect(await pending()).toHaveLength(1);
    await drainAfterPause();
    expect((await product(String(item.item_id))).available_stock).toBe('9');
    expect(zohoFake.requests()).toBe(3);
  });

  it('alternating replays of a DELETE and a POST of one live item cost one request in all', async () => {
    const item = await storedLiveItem();
    const post = signed('products', { item });
    for (let round = 0; round < 5; round++) {
      await ingestWebhook(deps, asMethod(post, 'DELETE'));
      await drain();
      await ingestWebhook(deps, post);
      await drain();
    }
    expect((await product(String(item.item_id))).deleted_at).toBeNull();
    expect(zohoFake.requests()).toBe(1);
  });

  // A delivery that asks Zoho repeats an earlier one byte for byte, but Zoho may have changed since
  // that one was asked about: a deletion does not change the record's text, and stock or a price
  // book can go A → B → A. The repeat is asked about again (after a pause: docs/deletions.md).
  it('the real deletion of an item, sent with the same bytes as an earlier replayed POST-as-DELETE that Zoho answered live, deletes it', async () => {
    const item = await storedLiveItem();
    const post = signed('products', { item });
    expect((await ingestWebhook(deps, asMethod(post, 'DELETE'))).status).toBe('accepted');
    await drain();
    expect((await product(String(item.item_id))).deleted_at).toBeNull();
    zohoFake.items.delete(String(item.item_id));
    const genuine = await ingestWebhook(deps, signed('products', { item }, { method: 'DELETE' }));
    expect(genuine.status).toBe('accepted');
    await drainAfterPause();
    expect((await product(String(item.item_id))).deleted_at).toBeInstanceOf(Date);
  });

  it('stock going A → B → A: the third delivery, a repeat of the first, is fetched again once the second was', async () => {
    const item = await storedLiveItem({ stock_on_hand: '5' });
    const id = String(item.item_id);
    const a = signed('stock', { item: { ...item, stock_on_hand: '5' } });
    const b = signed('stock', { item: { ...item, stock_on_hand: '9' } });
    zohoFake.items.set(id, { ...item, stock_on_hand: '5' });
    expect((await ingestWebhook(deps, a)).status).toBe('accepted');
    await drain();
    zohoFake.items.set(id, { ...item, stock_on_hand: '9' });
    expect((await ingestWebhook(deps, b)).status).toBe('accepted');
    await drain();
    expect((await product(id)).available_stock).toBe('9');
    zohoFake.items.set(id, { ...item, stock_on_hand: '5' });
    expect((await ingestWebhook(deps, a)).status).toBe('accepted');
    await drainAfterPause();
    expect((await product(id)).available_stock).toBe('5');
  });

  it('a repeat of a delivery whose check is still pending is a duplicate: the pending check answers it', async () => {
    const item = await storedLiveItem();
    const post = signed('products', { item });
    expect((await ingestWebhook(deps, asMethod(post, 'DELETE'))).status).toBe('accepted');
    expect((await ingestWebhook(deps, asMethod(post, 'DELETE'))).status).toBe('duplicate');
    await drain();
    expect(zohoFake.requests()).toBe(1);
  });

  it('replays of an answered DELETE wait for the pause and become one check however many arrive', async () => {
    const item = await storedLiveItem();
    const post = signed('products', { item });
    await ingestWebhook(deps, asMethod(post, 'DELETE'));
    await drain();
    for (let n = 0; n < 5; n++) await ingestWebhook(deps, asMethod(post, 'DELETE'));
    await drain();
    expect(zohoFake.requests()).toBe(1);
    const waiting = await t.db.selectFrom('tds_sync_queue').select(['operation', 'run_after']).where('status', '=', 'pending').execute();
    expect(waiting).toHaveLength(1);
    expect(waiting[0]!.run_after.getTime()).toBeGreaterThan(Date.now() + 30_000);
    await drainAfterPause();
    expect(zohoFake.requests()).toBe(2);
    expect((await product(String(item.item_id))).deleted_at).toBeNull();
  });

  it('stock deliveries of one item arriving while its fetch is pending are merged into one queue item', async () => {
    const item = await storedLiveItem();
    for (let n = 0; n < 5; n++) await ingestWebhook(deps, signed('stock', { item: { ...item, stock_on_hand: String(10 + n) } }));
    expect(await pending()).toHaveLength(1);
    await drain();
    expect(zohoFake.requests()).toBe(1);
  });
});

describe('a whole itemdetails batch refused (issue 4a)', () => {
  const BAD = 'bad-id';

  it('a permanent refusal is narrowed down to the one id that causes it; ids of later batches are fetched, not failed', async () => {
    const items = Array.from({ length: 150 }, () => rawItem());
    for (const item of items) zohoFake.items.set(String(item.item_id), item);
    zohoFake.refuseItemDetails((ids) => (ids.includes(BAD) ? HttpResponse.json({ code: 2, message: 'Invalid value passed for item_ids' }, { status: 400 }) : undefined));
    const ids = [...items.slice(0, 40).map((i) => String(i.item_id)), BAD, ...items.slice(40).map((i) => String(i.item_id))];
    const fetched = await fetchItemsByIds(zoho, ids);
    expect([...fetched.entries()].filter(([, r]) => r.status !== 'found').map(([id]) => id)).toEqual([BAD]);
    // 1 refused batch, then halves down to the bad id (2 per level, 7 levels at most), then the second batch.
    expect(zohoFake.requests('/inventory/v1/itemdetails')).toBeLessThanOrEqual(1 + 2 * 7 + 1);
  });

  it('through the handler, only the bad id is dead-lettered', async () => {
    const items = Array.from({ length: 120 }, () => rawItem());
    for (const item of items) zohoFake.items.set(String(item.item_id), item);
    zohoFake.refuseItemDetails((ids) => (ids.includes(BAD) ? HttpResponse.json({ code: 2, message: 'Invalid value passed for item_ids' }, { status: 400 }) : undefined));
    await enqueueMany(t.db, [BAD, ...items.map((i) => String(i.item_id))].map((id) => ({ entity_type: 'products', zoho_id: id })));
    await drain();
    expect((await deadLetters()).map((d) => d.zoho_id)).toEqual([BAD]);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM products WHERE deleted_at IS NULL`.execute(t.db);
    expect(rows[0].n).toBe(120);
  });

  it('a retryable refusal fails every id not fetched yet as retryable, asked or not, and asks nothing more', async () => {
    const items = Array.from({ length: 150 }, () => rawItem());
    for (const item of items) zohoFake.items.set(String(item.item_id), item);
    zohoFake.refuseItemDetails(() => HttpResponse.json({ code: 1000, message: 'Internal error' }, { status: 503 }));
    const fetched = await fetchItemsByIds(zohoFake.client(), items.map((i) => String(i.item_id)));
    expect(fetched.size).toBe(150);
    for (const result of fetched.values()) {
      expect(result.status).toBe('error');
      expect((result as { error: { retryable?: boolean } }).error.retryable).toBe(true);
    }
    // Only the first batch was asked (with the client's own retries); the second never.
    expect(zohoFake.requests('/inventory/v1/items/:id')).toBe(0);
  });
});

describe('a 404 that is not Zoho saying "does not exist" deletes nothing', () => {
  afterEach(() => zohoFake.server.resetHandlers());
  const html404 = () => new HttpResponse('<html><body>404 Not Found (nginx)</body></html>', { status: 404, headers: { 'content-type': 'text/html' } });

  it('a DELETE of a live item while a proxy answers 404 with an HTML page leaves it live, its queue item failed with that reason, for one request', async () => {
    const item = await storedLiveItem();
    zohoFake.refuseItemDetails(() => html404());
    zohoFake.server.use(http.get(`${API}/inventory/v1/items/:id`, () => html404()));
    await ingestWebhook(deps, signed('products', { item }, { method: 'DELETE' }));
    await drain();
    const row = await product(String(item.item_id));
    expect(row.deleted_at).toBeNull();
    expect(row.is_active).toBe(true);
    const [letter, ...more] = await deadLetters();
    expect(more).toEqual([]);
    expect(letter!.zoho_id).toBe(String(item.item_id));
    expect(letter!.error_message).toMatch(/404.*text\/html/);
    // The refusal is about no id: neither halved nor asked id by id.
    expect(zohoFake.requests('/inventory/v1/itemdetails')).toBe(1);
    expect(zohoFake.requests('/inventory/v1/items/:id')).toBe(0);
  });

  it('a batch of 150 refused with an HTML 404 fails every id at once, without asking again', async () => {
    const items = Array.from({ length: 150 }, () => rawItem());
    for (const item of items) zohoFake.items.set(String(item.item_id), item);
    zohoFake.refuseItemDetails(() => html404());
    const fetched = await fetchItemsByIds(zoho, items.map((i) => String(i.item_id)));
    expect([...fetched.values()].map((r) => r.status)).toEqual(items.map(() => 'error'));
    expect(zohoFake.requests('/inventory/v1/itemdetails')).toBe(2);
    expect(zohoFake.requests()).toBe(2);
  });

  it('a 404 with Zoho\'s "Invalid URL passed" (code 5) for the one id is not a deletion', async () => {
    const item = await storedLiveItem();
    zohoFake.refuseItemDetails(() => HttpResponse.json({ code: 0, message: 'success', items: [] }));
    zohoFake.server.use(http.get(`${API}/inventory/v1/items/:id`, () => HttpResponse.json({ code: 5, message: 'Invalid URL Passed' }, { status: 404 })));
    await ingestWebhook(deps, signed('products', { item }, { method: 'DELETE' }));
    await drain();
    expect((await product(String(item.item_id))).deleted_at).toBeNull();
    expect((await deadLetters()).map((d) => d.zoho_id)).toEqual([String(item.item_id)]);
  });

  it('a full sync whose deletion check meets HTML 404s soft-deletes no stored row it did not see', async () => {
    const kept = await storedLiveItem();
    const unlisted = await storedLiveItem();
    zohoFake.items.delete(String(unlisted.item_id)); // not listed: the reconcile asks Zoho about it
    zohoFake.refuseItemDetails(() => html404());
    zohoFake.server.use(http.get(`${API}/inventory/v1/items/:id`, () => html404()));
    await syncEntity({ db: t.db, zoho }, 'products', { mode: 'full' });
    expect((await product(String(unlisted.item_id))).deleted_at).toBeNull();
    expect((await product(String(kept.item_id))).deleted_at).toBeNull();
  });
});
