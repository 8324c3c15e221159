/**
 * Black-box acceptance of `tds serve` through the public contract of docs/webhooks-and-queue.md: the built CLI
 * as a real process on a fresh database, the Zoho stand-in behind it, and nothing but HTTP from
 * this side. Webhook signatures are computed by ./acceptance-http/zoho-signature.ts, written from
 * the spec text (never our zoho-client). Every refusal must be a 4xx JSON problem with nothing
 * stored; every 2xx must already be in the database when it arrives, even across a SIGTERM.
 *
 * Decisions recorded here: an uppercase-hex signature of the right HMAC is accepted (hex is
 * case-insensitive and Zoho's lowercase is a formatting choice, not a different value); "1 MB" is
 * 1 048 576 bytes, the limit of Express and of the adapter's default. A price book (fetched from
 * Zoho whatever the delivery carries) may be up to TDS_WEBHOOK_MAX_FETCHED_BODY_BYTES, default 64 MB
 * (docs/webhook-intake.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxItem } from '@tsh/zoho-sandbox';
import { FORM, JSON_TYPE, deliver, httpAnswer, type Answer, type Delivery } from './acceptance-http/webhook-sender';
import { encodeFormFields, zohoSignature } from './acceptance-http/zoho-signature';
import { startDeliveryRecorder, type DeliveryRecorder, type ZohoDelivery } from './acceptance-http/zoho-deliveries';
import { erpRow, eventually, queueIdle, storedDelivery, storedRows } from './acceptance-http/stored-rows';
import { startServe, type ServeProcess } from './acceptance-http/serve-process';
import { SPAWN_TIMEOUT_MS, ensureCliBuilt } from './helpers/built-cli';
import { setupE2e, type E2eSetup } from './helpers/e2e';
import { runCli } from './helpers/run-cli';
import { makeWorkDir } from './helpers/work-dir';

const ADMIN_TOKEN = 'acceptance-admin-token-c41e2d7b-9f0a';
const work = makeWorkDir();
let e2e: E2eSetup;
let env: Record<string, string>;
let secret: string;
let serve: ServeProcess;
let recorder: DeliveryRecorder;

beforeAll(async () => {
  await ensureCliBuilt();
  e2e = await setupE2e({ seed: 'acceptance-http', items: 30, customers: 5, vendors: 3, invoices: 5, bills: 4 });
  // Wrong admin tokens are sent on purpose below, more than the default lockout allows (admin-lockout-http.test.ts).
  env = { ...e2e.env, TDS_ADMIN_TOKEN: ADMIN_TOKEN, TDS_ADMIN_MAX_FAILURES: '1000' };
  secret = env.ZOHO_WEBHOOK_SECRET;
  const migrated = await runCli(['migrate'], { cwd: work.dir, env });
  if (migrated.code !== 0) throw new Error(`migrate failed: ${migrated.stderr}`);
  serve = await startServe(env, work.dir, ['--workers', '2']);
  recorder = await startDeliveryRecorder(e2e.sandbox);
}, SPAWN_TIMEOUT_MS);

afterAll(async () => {
  await serve?.cli.stop('SIGTERM');
  await recorder?.close();
  await e2e?.close();
  work.remove();
});

const send = (delivery: Delivery) => deliver(serve.url, secret, delivery);
const isForm = (contentType: string) => contentType.split(';')[0].trim().toLowerCase() === FORM;

/** Replays what the stand-in sent to the entity's route, signed by our own code (which must agree with the stand-in's). */
async function replay(entity: string, delivery: ZohoDelivery): Promise<Answer> {
  expect(delivery.signature, 'the stand-in signs as docs/webhooks-and-queue.md says').toBe(zohoSignature(secret, { query: delivery.query, body: delivery.body, form: isForm(delivery.contentType) }));
  return send({ entity, method: delivery.method, query: delivery.query, body: delivery.body, contentType: delivery.contentType });
}

/** A 202 whose inbox row and queue item are already committed when the answer arrives. */
async function expectStored(answer: Answer, expected: { entity: string; zohoId: string; operation: 'upsert' | 'delete' }): Promise<string> {
  expect(answer.status, answer.text).toBe(202);
  expect(answer.json).toEqual({ status: 'accepted', eventId: expect.any(String), queueItemId: expect.any(String) });
  const { eventId, queueItemId } = answer.json as { eventId: string; queueItemId: string };
  expect(await storedDelivery(e2e.db.pool, eventId)).toEqual({
    entity: expected.entity,
    zoho_id: expected.zohoId,
    event: expected.operation,
    queue_item_id: queueItemId,
    queued_operation: expected.operation,
  });
  return eventId;
}

function expectProblem(answer: Answer, status: number, code?: string): void {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.contentType).toMatch(/^application\/json/);
  expect(answer.json).toEqual({ error: { status, code: code ?? expect.any(String), message: expect.any(String) } });
  expect((answer.json as { error: { message: string } }).error.message.length).toBeGreaterThan(5);
  expect(answer.text).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+/);
}

const json = (value: unknown) => JSON.stringify(value);
const form = (record: unknown, extra: Array<[string, string]> = []) => encodeFormFields([...extra, ['JSONString', JSON.stringify(record)]]);
const goodsItems = () => e2e.sandbox.store.idsOf('item').map((id) => e2e.sandbox.store.get('item', id)!).filter((item: SandboxItem) => item.product_type === 'goods' && item.stock.length > 0);

describe('tds serve, black box', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('every route stores JSON and form deliveries before its 2xx; POST/PUT upsert, DELETE and ?event=deleted soft-delete', async () => {
    const store = e2e.sandbox.store;
    const [itemId, stockItemId, adjustedItemId, transferredItemId] = goodsItems().map((item) => item.item_id);
    const customerId = store.customers()[0].contact_id;
    const [invoiceId] = store.idsOf('invoice');
    const [billId] = store.idsOf('bill');
    const [pricebookId] = store.idsOf('pricebook');
    const org = e2e.sandbox.organizationId;

    // Upserts: every route, JSON and form, POST and PUT, custom query parameters (decoded and signed).
    const upserts: Array<{ entity: string; zohoId: string; answer: Answer }> = [];
    const upsert = async (entity: string, zohoId: string, delivery: ZohoDelivery) => upserts.push({ entity, zohoId, answer: await replay(entity, delivery) });
    await upsert('products', itemId, await recorder.record({ entity: 'item', id: itemId, query: { organization_id: org, note: 'سعر + خصم & x=y?' } }));
    await upsert('customers', customerId, await recorder.record({ entity: 'contact', id: customerId, format: 'form', method: 'PUT' }));
    await upsert('invoices', invoiceId, await recorder.record({ entity: 'invoice', id: invoiceId, query: { z: '1', a: '2', m: '' } }));
    await upsert('bills', billId, await recorder.record({ entity: 'bill', id: billId, format: 'form', query: { source: 'books' } }));
    await upsert('pricelists', pricebookId, await recorder.record({ entity: 'pricebook', id: pricebookId, method: 'PUT' }));
    await upsert('stock', stockItemId, await recorder.record({ entity: 'item', id: stockItemId, format: 'form' }));
    for (const { entity, zohoId, answer } of upserts) await expectStored(answer, { entity, zohoId, operation: 'upsert' });

    // Stock movements name their items in their lines (built here: the stand-in sends no such webhooks).
    const adjustment = { inventory_adjustment: { inventory_adjustment_id: '4815000000990001', date: '2025-06-03', reason: 'Damaged', adjustment_type: 'quantity', line_items: [{ item_id: adjustedItemId, name: 'x', quantity_adjusted: '-2' }], last_modified_time: '2025-06-03T14:22:47+0300' } };
    const transfer = { transfer_order: { transfer_order_id: '4815000000990002', transfer_order_number: 'TO-00001', date: '2025-06-03', line_items: [{ item_id: transferredItemId, name: 'y', quantity_transfer: 1 }], last_modified_time: '2025-06-03T14:22:47+0300' } };
    await expectStored(await send({ entity: 'stock', body: json(adjustment) }), { entity: 'stock', zohoId: '4815000000990001', operation: 'upsert' });
    await expectStored(await send({ entity: 'stock', method: 'PUT', contentType: FORM, body: form(transfer, [['extra', 'a b+c']]), query: [['k', 'v']] }), { entity: 'stock', zohoId: '4815000000990002', operation: 'upsert' });

    // A duplicate (same record, same operation, form or JSON alike) is answered 200 duplicate and stored once.
    const before = await storedRows(e2e.db.pool);
    const again = await replay('products', await recorder.record({ entity: 'item', id: itemId, query: { organization_id: org, note: 'سعر + خصم & x=y?' } }));
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ status: 'duplicate', eventId: (upserts[0].answer.json as { eventId: string }).eventId, queueItemId: expect.any(String) });
    const asForm = await replay('products', await recorder.record({ entity: 'item', id: itemId, format: 'form' }));
    expect(asForm.status).toBe(200);
    expect(asForm.json).toMatchObject({ status: 'duplicate' });
    expect(await storedRows(e2e.db.pool)).toEqual(before);

    const item = store.get('item', itemId)!;
    const applied = await eventually(
      async () => ({
        product: await erpRow(e2e.db.pool, 'products', 'zoho_item_id', itemId),
        customer: await erpRow(e2e.db.pool, 'customers', 'zoho_contact_id', customerId),
        invoice: await erpRow(e2e.db.pool, 'invoices', 'zoho_invoice_id', invoiceId),
        bill: await erpRow(e2e.db.pool, 'bills', 'zoho_bill_id', billId),
        priceList: await erpRow(e2e.db.pool, 'price_lists', 'zoho_pricebook_id', pricebookId),
        stock: await erpRow(e2e.db.pool, 'stock_levels', 'zoho_item_id', stockItemId),
        adjusted: await erpRow(e2e.db.pool, 'stock_levels', 'zoho_item_id', adjustedItemId),
        transferred: await erpRow(e2e.db.pool, 'stock_levels', 'zoho_item_id', transferredItemId),
      }),
      (rows) => Object.values(rows).every((row) => row !== undefined),
    );
    expect(applied.product).toMatchObject({ name: item.name, deleted_at: null, is_active: item.status === 'active' });
    expect(applied.customer).toMatchObject({ name: store.get('contact', customerId)!.contact_name, deleted_at: null });
    expect(applied.invoice).toMatchObject({ invoice_number: store.get('invoice', invoiceId)!.invoice_number, deleted_at: null });
    expect(applied.bill).toMatchObject({ bill_number: store.get('bill', billId)!.bill_number, deleted_at: null });
    expect(applied.priceList).toMatchObject({ name: store.get('pricebook', pricebookId)!.name, deleted_at: null });
    for (const row of [applied.stock, applied.adjusted, applied.transferred]) expect(row).toMatchObject({ deleted_at: null });

    // A PUT of a changed record updates it.
    store.update('item', itemId, { name: 'Renamed by the acceptance test' });
    await expectStored(await replay('products', await recorder.record({ entity: 'item', id: itemId, method: 'PUT', format: 'form' })), { entity: 'products', zohoId: itemId, operation: 'upsert' });
    const renamed = await eventually(() => erpRow(e2e.db.pool, 'products', 'zoho_item_id', itemId), (row) => row?.name === 'Renamed by the acceptance test');
    expect(renamed?.name).toBe('Renamed by the acceptance test');

    // Deletions: DELETE (JSON or form) or ?event=deleted on a POST or PUT; the rows stay, soft-deleted.
    const deletions: Array<[string, 'item' | 'contact' | 'invoice' | 'bill' | 'pricebook', string, Omit<Parameters<DeliveryRecorder['record']>[0], 'entity' | 'id'>]> = [
      ['products', 'item', itemId, {}],
      ['customers', 'contact', customerId, { deleteStyle: 'query', format: 'form' }],
      ['invoices', 'invoice', invoiceId, { format: 'form' }],
      ['bills', 'bill', billId, { deleteStyle: 'query', method: 'PUT', query: { source: 'books' } }],
      ['pricelists', 'pricebook', pricebookId, {}],
    ];
    for (const [route, entity, id, style] of deletions) {
      store.delete(entity, id);
      const delivery = await recorder.record({ entity, id, event: 'delete', ...style });
      expect(delivery.method === 'DELETE' || delivery.query.some(([k, v]) => k === 'event' && v === 'deleted')).toBe(true);
      await expectStored(await replay(route, delivery), { entity: route, zohoId: id, operation: 'delete' });
    }
    const tables: Record<string, [string, string]> = { products: ['products', 'zoho_item_id'], customers: ['customers', 'zoho_contact_id'], invoices: ['invoices', 'zoho_invoice_id'], bills: ['bills', 'zoho_bill_id'], pricelists: ['price_lists', 'zoho_pricebook_id'] };
    const deleted = await eventually(
      () => Promise.all(deletions.map(([route, , id]) => erpRow(e2e.db.pool, tables[route][0], tables[route][1], id))),
      (rows) => rows.every((row) => row?.deleted_at instanceof Date),
    );
    deleted.forEach((row, i) => expect(row?.deleted_at, `${deletions[i][0]} ${deletions[i][2]} is soft-deleted`).toBeInstanceOf(Date));
    expect(deleted[0]).toMatchObject({ is_active: false, name: 'Renamed by the acceptance test' });
    expect(deleted[1]).toMatchObject({ is_active: false });
  });

  it('refuses every bad delivery with a 4xx JSON problem and stores nothing', async () => {
    const [item] = goodsItems();
    const good = await recorder.record({ entity: 'item', id: item.item_id });
    const body = good.body.toString('utf8');
    const sign = (query: Array<[string, string]>, raw: string | Buffer, asForm = false) => zohoSignature(secret, { query, body: raw, form: asForm });
    const formBody = form(JSON.parse(body), [['extra', 'x']]);
    const notUtf8Form = `JSONString=${encodeURIComponent('{"item":{"item_id":"1","name":"')}%FF%FE${encodeURIComponent('"}}')}`;
    const huge = json({ item: { ...JSON.parse(body).item, description: 'x'.repeat(1024 * 1024) } });
    const cases: Array<{ name: string; delivery: Delivery; status: number; code?: string }> = [
      { name: 'no signature', delivery: { entity: 'products', body, signature: null }, status: 401 },
      { name: 'empty signature', delivery: { entity: 'products', body, signature: '' }, status: 401 },
      { name: 'garbage signature', delivery: { entity: 'products', body, signature: 'not-a-signature' }, status: 401 },
      { name: 'right length, wrong value', delivery: { entity: 'products', body, signature: sign([], body).replace(/^./, (c) => (c === '0' ? '1' : '0')) }, status: 401 },
      { name: 'signed with another secret', delivery: { entity: 'products', body, signature: zohoSignature(`${secret}x`, { query: [], body, form: false }) }, status: 401 },
      { name: 'sha256= prefix', delivery: { entity: 'products', body, signature: `sha256=${sign([], body)}` }, status: 401 },
      { name: 'tampered body', delivery: { entity: 'products', body: body.replace(item.name, `${item.name}!`), signature: sign([], body) }, status: 401 },
      { name: 'query parameter added after signing', delivery: { entity: 'products', body, unsignedQuery: [['event', 'deleted']] }, status: 401 },
      { name: 'query value changed after signing', delivery: { entity: 'products', body, query: [['org', '2']], signature: sign([['org', '1']], body) }, status: 401 },
      { name: 'form field added after signing', delivery: { entity: 'products', body: `${formBody}&more=1`, contentType: FORM, signature: sign([], formBody, true) }, status: 401 },
      { name: 'form signed as if JSON', delivery: { entity: 'products', body: formBody, contentType: FORM, signature: sign([], formBody, false) }, status: 401 },
      { name: 'malformed JSON', delivery: { entity: 'products', body: '{"item": {"item_id": "1",' }, status: 400 },
      { name: 'malformed JSONString', delivery: { entity: 'products', body: encodeFormFields([['JSONString', '{"item": {']]), contentType: FORM }, status: 400 },
      { name: 'form without JSONString', delivery: { entity: 'products', body: encodeFormFields([['item', body]]), contentType: FORM }, status: 422 },
      { name: 'empty JSON body', delivery: { entity: 'products', body: '' }, status: 400 },
      { name: 'empty form body', delivery: { entity: 'products', body: '', contentType: FORM }, status: 400 },
      { name: 'JSON null', delivery: { entity: 'products', body: 'null' }, status: 422 },
      { name: 'JSON array', delivery: { entity: 'products', body: `[${body}]` }, status: 422 },
      { name: 'record without its id', delivery: { entity: 'products', body: json({ item: { name: 'no id' } }) }, status: 422 },
      { name: 'text/plain', delivery: { entity: 'products', body, contentType: 'text/plain' }, status: 415 },
      { name: 'XML', delivery: { entity: 'products', body: '<item><item_id>1</item_id></item>', contentType: 'application/xml' }, status: 415 },
      { name: 'JSON in Latin-1', delivery: { entity: 'products', body, contentType: 'application/json; charset=iso-8859-1' }, status: 415 },
      { name: 'gzip content encoding', delivery: { entity: 'products', body, headers: { 'content-encoding': 'gzip' } }, status: 415 },
      { name: 'a contact on /products', delivery: { entity: 'products', body: json({ contact: { contact_id: '1', contact_name: 'x' } }) }, status: 422 },
      { name: 'an item on /customers', delivery: { entity: 'customers', body }, status: 422 },
      { name: 'an invoice on /bills', delivery: { entity: 'bills', body: json({ invoice: { invoice_id: '1' } }) }, status: 422 },
      { name: 'a bill on /pricelists (form)', delivery: { entity: 'pricelists', body: form({ bill: { bill_id: '1' } }), contentType: FORM }, status: 422 },
      { name: 'oversized JSON (> 1 MB)', delivery: { entity: 'products', body: huge }, status: 413 },
      { name: 'oversized form (> 1 MB)', delivery: { entity: 'products', body: form(JSON.parse(huge)), contentType: FORM }, status: 413 },
      { name: 'unknown entity', delivery: { entity: 'widgets', body }, status: 404 },
      { name: 'entity in capitals', delivery: { entity: 'PRODUCTS', body }, status: 404 },
      { name: 'path below an entity', delivery: { entity: 'products/1', body }, status: 404 },
      { name: 'malformed %-escape in the path', delivery: { entity: '%E0%A4%A', body }, status: 400 },
      { name: 'bytes that are not UTF-8', delivery: { entity: 'products', body: Buffer.concat([Buffer.from('{"item":{"item_id":"1","name":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}}')]) }, status: 400 },
      {
        name: 'JSONString with a %-escape that is not UTF-8',
        delivery: {
          entity: 'products',
          contentType: FORM,
          body: notUtf8Form,
          signature: zohoSignature(secret, { query: [['JSONString', new URLSearchParams(notUtf8Form).get('JSONString')!]], body: '', form: true }),
        },
        status: 400,
      },
      { name: 'NUL character in the record', delivery: { entity: 'products', body: json({ item: { ...JSON.parse(body).item, name: 'a\u0000b' } }) }, status: 422 },
      { name: 'id beyond 2^53 as a JSON number', delivery: { entity: 'products', body: '{"item":{"item_id":4815000000044208123,"name":"x"}}' }, status: 422 },
      { name: 'GET', delivery: { entity: 'products', method: 'GET', body: '' }, status: 405 },
      { name: 'PATCH', delivery: { entity: 'products', method: 'PATCH', body }, status: 405 },
      { name: '64 KB of headers', delivery: { entity: 'products', body, headers: { 'x-filler': 'x'.repeat(64 * 1024) } }, status: 431 },
    ];

    await queueIdle(e2e.db.pool);
    const before = await storedRows(e2e.db.pool);
    const failures: string[] = [];
    for (const c of cases) {
      const answer = await send(c.delivery);
      try {
        expectProblem(answer, c.status, c.code);
      } catch (error) {
        failures.push(`${c.name}: ${(error as Error).message.split('\n')[0]} (got ${answer.status} ${answer.text.slice(0, 200)})`);
      }
    }
    expect(failures).toEqual([]);
    expect(await storedRows(e2e.db.pool)).toEqual(before);

    // Still serving after all that: a good delivery is taken.
    const ok = await replay('products', good);
    expect([200, 202]).toContain(ok.status);
  });

  it('accepts an uppercase-hex signature of the right HMAC (hex is case-insensitive; Zoho itself sends lowercase) and any custom query key', async () => {
    const [, item] = goodsItems();
    e2e.sandbox.store.update('item', item.item_id, { description: 'signed in capitals' });
    const delivery = await recorder.record({ entity: 'item', id: item.item_id });
    const upper = zohoSignature(secret, { query: [], body: delivery.body, form: false }).toUpperCase();
    await expectStored(await send({ entity: 'products', body: delivery.body, signature: upper }), { entity: 'products', zohoId: item.item_id, operation: 'upsert' });

    e2e.sandbox.store.update('item', item.item_id, { description: 'custom query keys' });
    const again = await recorder.record({ entity: 'item', id: item.item_id });
    const query: Array<[string, string]> = [['__proto__', 'x'], ['constructor', 'y'], ['toString', 'z'], ['a[b]', 'c'], ['empty', '']];
    await expectStored(await send({ entity: 'products', body: again.body, query }), { entity: 'products', zohoId: item.item_id, operation: 'upsert' });
  });

  it('the body limit is 1 MB = 1 048 576 bytes: exactly that is stored, one byte more is 413 with nothing stored', async () => {
    const [, , item] = goodsItems();
    const record = JSON.parse((await recorder.record({ entity: 'item', id: item.item_id })).body.toString('utf8')) as { item: Record<string, unknown> };
    const sized = (bytes: number) => {
      const base = json({ item: { ...record.item, description: '' } });
      return json({ item: { ...record.item, description: 'x'.repeat(bytes - Buffer.byteLength(base)) } });
    };
    const exact = sized(1024 * 1024);
    expect(Buffer.byteLength(exact)).toBe(1024 * 1024);
    await expectStored(await send({ entity: 'products', body: exact }), { entity: 'products', zohoId: item.item_id, operation: 'upsert' });
    const before = await storedRows(e2e.db.pool);
    expectProblem(await send({ entity: 'products', body: sized(1024 * 1024 + 1) }), 413);
    expect(await storedRows(e2e.db.pool)).toEqual(before);
  });

  it('a price book past 1 MB (1.5 MB, 20 MB; JSON and form) is stored with its id only and applied from Zoho; a tampered 20 MB body is 401, past 64 MB is 413', async () => {
    const store = e2e.sandbox.store;
    const ids = store.idsOf('pricebook');
    const pricebookId = ids[ids.length - 1];
    const recorded = JSON.parse((await recorder.record({ entity: 'pricebook', id: pricebookId })).body.toString('utf8')) as { pricebook: Record<string, unknown> };
    // A whole catalogue's rates, as TSH's real lists carry (what the book's rows hold comes from Zoho, not from here).
    const padded = (bytes: number) => {
      const rates: unknown[] = [];
      let text = '';
      for (let n = 0; Buffer.byteLength(text) < bytes; n += 1000) {
        for (let k = n; k < n + 1000; k++) rates.push({ item_id: String(4815000000500000 + k), name: `صنف ${k}`, pricebook_rate: `${1000 + k}.25` });
        text = json({ pricebook: { ...recorded.pricebook, pricebook_items: rates } });
      }
      return text;
    };
    const payloadOf = async (queueItemId: string) => (await e2e.db.pool.query<{ payload: unknown }>('SELECT payload FROM tds_sync_queue WHERE id = $1', [queueItemId])).rows[0]?.payload;
    const appliedName = () => eventually(async () => (await erpRow(e2e.db.pool, 'price_lists', 'zoho_pricebook_id', pricebookId))?.name, (name) => name === store.get('pricebook', pricebookId)!.name);

    const large = padded(1.5 * 1024 * 1024);
    const huge = padded(20 * 1024 * 1024);
    expect(Buffer.byteLength(huge)).toBeGreaterThan(20 * 1024 * 1024);
    // What Zoho sends after each change: the book under its new name (so no delivery repeats another).
    const named = (text: string, name: string) => text.replace(json(recorded.pricebook.name), json(name));
    const cases: Array<{ name: string; delivery: (bookName: string) => Delivery }> = [
      { name: '1.5 MB JSON', delivery: (bookName) => ({ entity: 'pricelists', body: named(large, bookName) }) },
      { name: '1.5 MB form', delivery: (bookName) => ({ entity: 'pricelists', body: form(JSON.parse(named(large, bookName))), contentType: FORM, query: [['organization_id', e2e.sandbox.organizationId]] }) },
      { name: '20 MB JSON', delivery: (bookName) => ({ entity: 'pricelists', body: named(huge, bookName), method: 'PUT' }) },
      { name: '20 MB form', delivery: (bookName) => ({ entity: 'pricelists', body: form(JSON.parse(named(huge, bookName))), contentType: FORM }) },
    ];
    for (const [n, c] of cases.entries()) {
      // Zoho's book changes before each delivery: the worker must fetch it, since the delivery is not kept.
      const bookName = `Consumer (large delivery ${n})`;
      store.update('pricebook', pricebookId, { name: bookName });
      const answer = await send(c.delivery(bookName));
      await expectStored(answer, { entity: 'pricelists', zohoId: pricebookId, operation: 'upsert' });
      expect(await payloadOf((answer.json as { queueItemId: string }).queueItemId), c.name).toBeNull();
      expect(await appliedName(), c.name).toBe(bookName);
    }

    const before = await storedRows(e2e.db.pool);
    const signature = zohoSignature(secret, { query: [], body: huge, form: false });
    const tampered = Buffer.from(huge);
    tampered[tampered.length - 3] ^= 0x01;
    expectProblem(await send({ entity: 'pricelists', body: tampered, signature }), 401, 'invalid_signature');
    const overLimit = `{"pricebook":{"pricebook_id":"${pricebookId}","pad":"${'x'.repeat(64 * 1024 * 1024 - 41 - pricebookId.length)}"}}`;
    expect(Buffer.byteLength(overLimit)).toBe(64 * 1024 * 1024 + 1);
    expectProblem(await send({ entity: 'pricelists', body: overLimit }), 413, 'payload_too_large');
    expectProblem(await send({ entity: 'products', body: large.replace('"pricebook"', '"item"') }), 413, 'payload_too_large');
    expect(await storedRows(e2e.db.pool)).toEqual(before);
  });

  it('admin API: 401 without a token, 403 with a wrong one; queue, DLQ retry/resolve, sync runs, report; health and metrics without secrets', async () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const admin = (method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) =>
      httpAnswer(`${serve.url}${path}`, { method, headers: { ...auth, ...init.headers }, body: init.body });

    const routes: Array<[string, string]> = [
      ['GET', '/api/tds/queue'],
      ['GET', '/api/tds/dlq'],
      ['POST', '/api/tds/dlq/1/retry'],
      ['POST', '/api/tds/dlq/1/resolve'],
      ['POST', '/api/tds/sync/products'],
      ['GET', '/api/tds/sync/runs/1'],
      ['GET', '/api/tds/report'],
    ];
    for (const [method, path] of routes) {
      expectProblem(await httpAnswer(`${serve.url}${path}`, { method }), 401);
      expectProblem(await httpAnswer(`${serve.url}${path}`, { method, headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` } }), 401);
      expectProblem(await httpAnswer(`${serve.url}${path}`, { method, headers: { authorization: 'Bearer wrong-token' } }), 403);
      expectProblem(await httpAnswer(`${serve.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}x` } }), 403);
    }
    const seen: string[] = [];
    const keep = (answer: Answer) => (seen.push(answer.text), answer);

    // A full sync of everything: 202 + runId, its progress readable until done.
    const waitForRun = async (runId: string) =>
      eventually(
        async () => keep(await admin('GET', `/api/tds/sync/runs/${runId}`)).json as { status: string; progress: Record<string, { phase: string }> },
        (run) => run.status !== 'running',
        60_000,
      );
    // Sent as `curl -d` sends it (a form Content-Type): the JSON must still be read, or this would be an incremental sync.
    const full = await admin('POST', '/api/tds/sync/all', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: json({ mode: 'full' }) });
    expect(full.status, full.text).toBe(202);
    const fullRun = await waitForRun((full.json as { runId: string }).runId);
    expect(fullRun).toMatchObject({ status: 'succeeded', mode: 'full' });
    expect(Object.values(fullRun.progress).map((p) => p.phase)).toEqual(Array(6).fill('done'));
    const products = await admin('POST', '/api/tds/sync/products');
    expect(products.status).toBe(202);
    const productsRun = await waitForRun((products.json as { runId: string }).runId);
    expect(productsRun).toMatchObject({ status: 'succeeded', entities: ['products'] });
    expectProblem(await admin('POST', '/api/tds/sync/widgets'), 404);
    expectProblem(await admin('GET', '/api/tds/sync/runs/no-such-run'), 404);

    const health = await httpAnswer(`${serve.url}/api/health`);
    keep(health);
    expect(health.status, health.text).toBe(200);
    expect(['healthy', 'warning']).toContain((health.json as { status: string }).status);

    // Eleven records Zoho itself would never send (no name) end in the DLQ: health turns critical (503).
    await queueIdle(e2e.db.pool);
    for (let i = 0; i < 11; i++) {
      await expectStored(await send({ entity: 'products', body: json({ item: { item_id: `4815000000770${i}`, rate: '1.00' } }) }), { entity: 'products', zohoId: `4815000000770${i}`, operation: 'upsert' });
    }
    const dlq = await eventually(async () => keep(await admin('GET', '/api/tds/dlq')).json as { items: Array<{ id: string; zoho_id: string; resolved_at: string | null }> }, (d) => d.items.length >= 11);
    expect(dlq.items.filter((d) => d.zoho_id.startsWith('4815000000770'))).toHaveLength(11);
    // Health is a shared snapshot (TDS_HEALTH_CACHE_MS): it turns within a few seconds.
    const critical = await eventually(async () => keep(await httpAnswer(`${serve.url}/api/health`)), (a) => a.status === 503);
    expect(critical.status, critical.text).toBe(503);
    expect(['critical', 'emergency']).toContain((critical.json as { status: string }).status);

    const queue = keep(await admin('GET', '/api/tds/queue'));
    expect(queue.status).toBe(200);
    expect(queue.json).toMatchObject({ dead_letters_open: 11 });

    const retried = await admin('POST', `/api/tds/dlq/${dlq.items[0].id}/retry`);
    expect(retried.status, retried.text).toBe(200);
    expect(retried.json).toEqual({ retried: 1 });
    expectProblem(await admin('POST', `/api/tds/dlq/${dlq.items[0].id}/retry`), 404);
    expectProblem(await admin('POST', '/api/tds/dlq/not-a-number/retry'), 400);
    expectProblem(await admin('POST', `/api/tds/dlq/${dlq.items[1].id}/resolve`), 400);
    await queueIdle(e2e.db.pool);
    const open = await eventually(async () => (await admin('GET', '/api/tds/dlq')).json as { items: Array<{ id: string }> }, (d) => d.items.length === 11);
    for (const [n, { id }] of open.items.entries()) {
      // JSON as application/json, as fetch's default text/plain, and as curl -d's form type.
      const type = ['application/json', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded'][n % 3];
      const resolved = await admin('POST', `/api/tds/dlq/${id}/resolve`, { headers: { 'content-type': type }, body: json({ note: 'records without a name: fixed in Zoho' }) });
      expect(resolved.status, resolved.text).toBe(200);
    }
    expect(((await admin('GET', '/api/tds/dlq')).json as { items: unknown[] }).items).toEqual([]);
    const healed = await eventually(async () => keep(await httpAnswer(`${serve.url}/api/health`)), (a) => a.status === 200);
    expect(healed.status, healed.text).toBe(200);

    // The report: text by default and for text/plain, JSON for application/json.
    const text = keep(await admin('GET', '/api/tds/report', { headers: { accept: 'text/plain' } }));
    expect(text.status).toBe(200);
    expect(text.contentType).toMatch(/^text\/plain/);
    expect(text.text).toMatch(/TDS/);
    expect(text.json).toBeUndefined();
    const plain = keep(await admin('GET', '/api/tds/report'));
    expect(plain.contentType).toMatch(/^text\/plain/);
    const report = keep(await admin('GET', '/api/tds/report', { headers: { accept: 'application/json' } }));
    expect(report.status).toBe(200);
    expect(report.contentType).toMatch(/^application\/json/);
    expect(report.json).toEqual(expect.objectContaining({ health: expect.objectContaining({ status: expect.any(String) }) }));

    // Prometheus text exposition: every line a comment or a sample (values as Go's ParseFloat reads them, so NaN in any case).
    expect((await httpAnswer(`${serve.url}/metrics`)).status).toBe(401); // behind the admin token by default
    const metrics = keep(await httpAnswer(`${serve.url}/metrics`, { headers: auth }));
    expect(metrics.status).toBe(200);
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.text).toMatch(/^# TYPE tds_health_status gauge$/m);
    const sample = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*\})? (-?[0-9.]+(e[+-]?[0-9]+)?|[Nn][Aa][Nn]|[+-]Inf)( -?[0-9]+)?$/;
    const bad = metrics.text.split('\n').filter((line) => line !== '' && !line.startsWith('# HELP ') && !line.startsWith('# TYPE ') && !sample.test(line));
    expect(bad).toEqual([]);

    const { rows } = await e2e.db.pool.query<{ access_token: string | null }>('SELECT access_token FROM zoho_oauth_tokens');
    const secrets = [...e2e.secrets, ADMIN_TOKEN, ...rows.map((r) => r.access_token).filter((t): t is string => !!t)];
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    expect(secrets.filter((s) => seen.some((body) => body.includes(s)))).toEqual([]);
  });

  it('serve refuses to start without ZOHO_WEBHOOK_SECRET or TDS_ADMIN_TOKEN (or with an unusable token), exit 2 naming the variable', async () => {
    const without = (name: string) => Object.fromEntries(Object.entries(env).filter(([key]) => key !== name));
    const runs = await Promise.all([
      runCli(['serve', '--host', '127.0.0.1'], { cwd: work.dir, env: { ...without('ZOHO_WEBHOOK_SECRET'), PORT: '0' } }),
      runCli(['serve', '--host', '127.0.0.1'], { cwd: work.dir, env: { ...without('TDS_ADMIN_TOKEN'), PORT: '0' } }),
      runCli(['serve', '--host', '127.0.0.1'], { cwd: work.dir, env: { ...env, ZOHO_WEBHOOK_SECRET: '  ', PORT: '0' } }),
      runCli(['serve', '--host', '127.0.0.1'], { cwd: work.dir, env: { ...env, TDS_ADMIN_TOKEN: 'two words', PORT: '0' } }),
      // A secret file's last newline copied with the value: every delivery would be answered 401.
      runCli(['serve', '--host', '127.0.0.1'], { cwd: work.dir, env: { ...env, ZOHO_WEBHOOK_SECRET: `${env.ZOHO_WEBHOOK_SECRET}\n`, PORT: '0' } }),
    ]);
    const named = ['ZOHO_WEBHOOK_SECRET', 'TDS_ADMIN_TOKEN', 'ZOHO_WEBHOOK_SECRET', 'TDS_ADMIN_TOKEN', 'ZOHO_WEBHOOK_SECRET'];
    runs.forEach((run, i) => {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(named[i]);
      expect(run.stderr).not.toMatch(/listening on/);
      for (const s of [...e2e.secrets, ADMIN_TOKEN]) expect(`${run.stdout}${run.stderr}`).not.toContain(s);
    });
  });

  it('SIGTERM during a burst: every webhook answered 2xx is in the database; the process stops cleanly; no secret in its logs', async () => {
    const answered: Array<{ id: string; answer?: Answer; error?: string }> = [];
    let next = 0;
    let stopping: Promise<unknown> | undefined;
    const sender = async () => {
      while (next < 400) {
        const id = `48150000008${String(next++).padStart(5, '0')}`;
        const body = json({ item: { item_id: id, name: `Burst ${id}`, rate: '1500.25', status: 'active', last_modified_time: '2025-06-03T14:22:47+0300' } });
        try {
          answered.push({ id, answer: await send({ entity: 'products', body, query: [['burst', '1']] }) });
        } catch (error) {
          answered.push({ id, error: (error as Error).message });
        }
        if (answered.length === 60) stopping ??= serve.cli.stop('SIGTERM');
      }
    };
    await Promise.all(Array.from({ length: 12 }, sender));
    const result = await serve.cli.exited;
    await stopping;
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(result.stderr).toMatch(/SIGTERM received: stopping cleanly/);

    const ok = answered.filter((a) => a.answer && a.answer.status >= 200 && a.answer.status < 300);
    expect(ok.length).toBeGreaterThanOrEqual(60);
    expect(answered.some((a) => a.error !== undefined), 'the burst outlived the server').toBe(true);
    for (const a of answered) if (a.answer && !(a.answer.status >= 200 && a.answer.status < 300)) expect(a.answer.status, a.answer.text).toBeGreaterThanOrEqual(500);
    const { rows } = await e2e.db.pool.query<{ id: string; zoho_id: string }>(`SELECT e.id::text AS id, e.zoho_id FROM tds_webhook_events e JOIN tds_sync_queue q ON q.id = e.queue_item_id WHERE e.id = ANY($1::bigint[])`, [
      ok.map((a) => (a.answer!.json as { eventId: string }).eventId),
    ]);
    const stored = new Map(rows.map((r) => [r.id, r.zoho_id]));
    const lost = ok.filter((a) => stored.get((a.answer!.json as { eventId: string }).eventId) !== a.id).map((a) => a.id);
    expect(lost).toEqual([]);

    const { rows: tokens } = await e2e.db.pool.query<{ access_token: string | null }>('SELECT access_token FROM zoho_oauth_tokens');
    const secrets = [...e2e.secrets, ADMIN_TOKEN, ...tokens.map((r) => r.access_token).filter((t): t is string => !!t)];
    const logs = `${result.stdout}\n${result.stderr}`;
    expect(logs.length).toBeGreaterThan(0);
    expect(secrets.filter((s) => logs.includes(s))).toEqual([]);
  });
});
