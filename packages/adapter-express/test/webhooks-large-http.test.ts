import { Agent, request as httpRequest } from 'node:http';
import { createWebhookIngestor } from '@tsh/tds-core/internal';
import { signZohoWebhook } from '@tsh/zoho-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serveTds, type TdsServer } from '../src';
import { createFakeCore } from './helpers/fake-core';
import { capturingLogger } from './helpers/log-capture';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// Large price-book deliveries through a real server on 127.0.0.1 (docs/webhook-intake.md).
const SECRET = 'zohoWebhookSecret42';
const ADMIN = 'admin-token-0123456789';
const FORM = 'application/x-www-form-urlencoded';
const MB = 1024 * 1024;
const FETCHED_LIMIT = 24 * MB;
const BOOK_ID = '4815000000077001';

let t: TestDatabase;
let server: TdsServer;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

beforeAll(async () => {
  t = await createTestDatabase();
  const log = capturingLogger();
  const { core } = createFakeCore(t.db, log.logger, SECRET);
  core.webhooks = createWebhookIngestor({ db: t.db, secret: SECRET, maxFetchedBodyBytes: FETCHED_LIMIT, logger: log.logger });
  server = await serveTds(core, { webhookSecret: SECRET, adminToken: ADMIN, port: 0 });
});
afterAll(async () => {
  agent.destroy();
  await server?.close();
  await t?.close();
});
beforeEach(async () => {
  await t.pool.query('TRUNCATE tds_webhook_events, tds_sync_queue RESTART IDENTITY');
});

interface Answer {
  status: number;
  body: unknown;
  /** The local port of the connection: the same one twice means the connection was reused. */
  localPort: number | undefined;
}

/** One signed delivery over a keep-alive connection, its body written in the given pieces (chunked when no length is sent). */
function send(input: { entity: string; body: Buffer; contentType?: string; signature?: string; pieces?: number[]; noLength?: boolean }): Promise<Answer> {
  const contentType = input.contentType ?? 'application/json';
  const signature = input.signature ?? signZohoWebhook({ secret: SECRET, rawBody: input.body, contentType });
  const headers: Record<string, string> = { 'content-type': contentType, 'x-zoho-webhook-signature': signature };
  if (!input.noLength) headers['content-length'] = String(input.body.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server.url}/api/zoho/webhooks/${input.entity}`, { method: 'POST', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')), localPort: req.socket?.localPort }));
    });
    req.on('error', reject);
    const cuts = [...new Set((input.pieces ?? []).map((p) => p % (input.body.length + 1)))].sort((a, b) => a - b);
    let from = 0;
    for (const cut of cuts) {
      req.write(input.body.subarray(from, cut));
      from = cut;
    }
    req.end(input.body.subarray(from));
  });
}

function priceBook(bytes: number, name = 'Consumer'): Buffer {
  const rate = (k: number) => ({ item_id: String(4815000000100000 + k), name: `صنف ${k}`, pricebook_rate: `${1000 + k}.25` });
  const count = Math.ceil(bytes / (Buffer.byteLength(JSON.stringify(rate(0))) + 1)) + 1;
  return Buffer.from(JSON.stringify({ pricebook: { pricebook_id: BOOK_ID, name, currency_code: 'IQD', pricebook_items: Array.from({ length: count }, (_, k) => rate(k)) } }));
}
const asForm = (json: Buffer) => Buffer.from(new URLSearchParams({ JSONString: json.toString('utf8') }).toString());

async function stored(): Promise<Array<{ entity_type: string; zoho_id: string; payload: unknown; events: number }>> {
  const { rows } = await t.pool.query(
    'SELECT q.entity_type, q.zoho_id, q.payload, (SELECT count(*)::int FROM tds_webhook_events) AS events FROM tds_sync_queue q ORDER BY q.id',
  );
  return rows;
}

// Tens of megabytes through a real server on a shared 2-core machine: generous per-test time.
describe('large price-book deliveries over HTTP', { timeout: 180_000 }, () => {
  const book15 = priceBook(1.5 * MB);
  const book20 = priceBook(20 * MB, 'Consumer 20');
  // Form encoding about doubles a JSON price book (every brace, quote and Arabic letter is %-escaped).
  const form20 = asForm(priceBook(11.5 * MB, 'Consumer 20 form'));
  it('the books are the sizes they are named for', () => {
    expect(book15.length).toBeGreaterThan(1.5 * MB);
    expect(book20.length).toBeGreaterThan(20 * MB);
    expect(form20.length).toBeGreaterThan(20 * MB);
    expect(form20.length).toBeLessThan(FETCHED_LIMIT);
  });

  it('1.5 MB and 20 MB, JSON and form, are accepted and stored with the book id only', async () => {
    for (const [name, body, contentType] of [
      ['1.5 MB JSON', book15, 'application/json'],
      ['20 MB JSON', book20, 'application/json'],
      ['1.5 MB form', asForm(priceBook(1.5 * MB, 'Consumer form')), FORM],
      ['20 MB form', form20, FORM],
    ] as const) {
      await t.pool.query('TRUNCATE tds_webhook_events, tds_sync_queue RESTART IDENTITY');
      const answer = await send({ entity: 'pricelists', body, contentType, pieces: [1, 70_000, 1_048_575, 1_048_577] });
      expect(answer.status, name).toBe(202);
      expect(await stored(), name).toEqual([{ entity_type: 'pricelists', zoho_id: BOOK_ID, payload: null, events: 1 }]);
    }
  });

  it('a 20 MB body with its last-but-one byte changed is 401, nothing stored; the connection is still usable', async () => {
    const signature = signZohoWebhook({ secret: SECRET, rawBody: book20, contentType: 'application/json' });
    const tampered = Buffer.from(book20);
    tampered[tampered.length - 2] ^= 0x01;
    const refused = await send({ entity: 'pricelists', body: tampered, signature });
    expect(refused).toMatchObject({ status: 401, body: { error: { code: 'invalid_signature' } } });
    expect(await stored()).toEqual([]);
    const next = await send({ entity: 'pricelists', body: book15 });
    expect(next.status).toBe(202);
    expect(next.localPort).toBe(refused.localPort);
  });

  it('over 1 MB on /products is 413; over the larger limit on /pricelists is 413; nothing stored, the connection reused', async () => {
    const product = Buffer.from(JSON.stringify({ item: { item_id: '1', name: 'x'.repeat(MB) } }));
    const tooLargeProduct = await send({ entity: 'products', body: product });
    expect(tooLargeProduct).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
    const book = priceBook(FETCHED_LIMIT - 4 * MB);
    // Valid JSON padded with trailing whitespace to the limit plus one byte.
    const overLimit = Buffer.concat([book, Buffer.alloc(FETCHED_LIMIT + 1 - book.length, 0x20)]);
    const tooLargeBook = await send({ entity: 'pricelists', body: overLimit, noLength: true, pieces: [5, 12 * MB] });
    expect(tooLargeBook).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
    expect(await stored()).toEqual([]);
    const next = await send({ entity: 'pricelists', body: book15 });
    expect(next.status).toBe(202);
    expect(new Set([tooLargeProduct.localPort, tooLargeBook.localPort, next.localPort]).size).toBe(1);
  });

  it('wherever the TCP writes cut the body, the answer is the same as for the body written at once', async () => {
    const book = priceBook(1.2 * MB);
    const tampered = Buffer.from(book);
    tampered[MB + 10] ^= 0x01;
    const signature = signZohoWebhook({ secret: SECRET, rawBody: book, contentType: 'application/json' });
    // A seeded loop (fast-check is not a dependency of this package): the same cuts on every run.
    let seed = 0x5eed;
    const next = (max: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % max;
    for (let run = 0; run < 15; run++) {
      const pieces = Array.from({ length: next(7) }, () => next(book.length + 1));
      const tamper = next(2) === 1;
      await t.pool.query('TRUNCATE tds_webhook_events, tds_sync_queue RESTART IDENTITY');
      const answer = await send({ entity: 'pricelists', body: tamper ? tampered : book, signature, pieces, noLength: next(2) === 1 });
      expect(answer.status, `run ${run}: cuts ${pieces.join(',')}`).toBe(tamper ? 401 : 202);
      expect((await stored()).length).toBe(tamper ? 0 : 1);
    }
  });
});
