import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createZohoClient, ZohoStreamBrokenError, ZohoValidationError, type ZohoClient } from '@tsh/zoho-client';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyPriceList, applyProduct, createApplyContext } from '../src/apply';
import { applyStreamedPriceList } from '../src/apply/price-list-stream';
import { createRecordHandler } from '../src/handlers/record-handler';
import type { QueueOperation } from '../src/db/schema';
import { claim, enqueueMany } from '../src/queue';
import { syncEntity } from '../src/sync';
import type { ApplyOutcome } from '../src/apply/types';
import { item, rawItem } from './apply-fixtures';
import { findWrongPrices } from './helpers/expected-prices';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// A price book read as a stream and applied a chunk at a time must leave exactly the rows the
// whole-book apply leaves, and a book whose answer breaks off midway must leave nothing of itself.

const ORG = '70001';
const BOOK = '4815000000900000001';

/** A Zoho stand-in on 127.0.0.1: a token endpoint and GET /books/v3/pricebooks/{id} answering `answer`. */
interface FakeZoho {
  url: string;
  /**
   * The next detail answers: the JSON text, where (in bytes) to cut the connection, if anywhere, or
   * where to stop writing until `resume` is called (`held` then says it has stopped there).
   */
  answer: Answer;
  /** Answers given (in turn) before `answer`. */
  first: Answer[];
  detailCalls: number;
  close(): Promise<void>;
}

interface Answer {
  body: string;
  cutAt?: number;
  status?: number;
  hold?: { at: number; held: () => void; resume: Promise<void> };
}

async function startFakeZoho(): Promise<FakeZoho> {
  const fake = { answer: { body: '{}' }, first: [], detailCalls: 0 } as unknown as FakeZoho;
  const server: Server = createServer((request, response) => {
    if (request.method === 'POST' && request.url?.startsWith('/oauth/v2/token')) {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ access_token: 'tok', expires_in: 3600, token_type: 'Bearer' }));
      return;
    }
    if (request.method === 'GET' && request.url?.startsWith('/books/v3/pricebooks?')) {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ code: 0, message: 'success', pricebooks: [{ pricebook_id: BOOK, name: 'Consumer Price List', pricebook_type: 'per_item' }], page_context: { page: 1, per_page: 200, has_more_page: false } }));
      return;
    }
    if (request.method === 'GET' && request.url?.startsWith('/books/v3/pricebooks/')) {
      fake.detailCalls += 1;
      const answer = fake.first.shift() ?? fake.answer;
      const bytes = Buffer.from(answer.body);
      response.writeHead(answer.status ?? 200, { 'content-type': 'application/json;charset=UTF-8', 'content-length': String(bytes.length) });
      const { cutAt, hold } = answer;
      if (hold !== undefined) {
        response.write(bytes.subarray(0, hold.at), () => hold.held());
        void hold.resume.then(() => response.end(bytes.subarray(hold.at)));
        return;
      }
      if (cutAt === undefined) {
        response.end(bytes);
        return;
      }
      // Half the book, then the connection drops (a reset, not a clean end).
      response.write(bytes.subarray(0, cutAt), () => setTimeout(() => response.socket?.destroy(), 20));
      return;
    }
    response.statusCode = 404;
    response.end('{"code":5,"message":"no such route"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return fake;
}

type Entry = { item_id: string; pricebook_rate: string | number };

function bookJson(entries: Entry[], fields: Record<string, unknown> = {}): string {
  const pricebook = { pricebook_id: BOOK, name: 'Consumer Price List', currency_code: 'IQD', status: 'active', pricebook_type: 'per_item', is_increase: false, percentage: 0, rounding_type: 'no_rounding', ...fields, pricebook_items: entries };
  return JSON.stringify({ code: 0, message: 'success', pricebook });
}

const itemId = (i: number) => `4815000000800${String(i).padStart(6, '0')}`;

/** `count` entries; rates of every shape Zoho sends: numeric strings, JSON numbers, trailing zeros, "". */
function entries(count: number, version: number): Entry[] {
  return Array.from({ length: count }, (_, i) => {
    const rate = i % 7 === 0 ? (i * 3 + version) / 4 : i % 7 === 1 ? `${i + version}.50` : i % 11 === 0 ? '' : `${(i * 13 + version) % 9973}.${String(i % 1000).padStart(3, '0')}`;
    return { item_id: itemId(i), pricebook_rate: rate };
  });
}

let t: TestDatabase;
let fake: FakeZoho;
let zoho: ZohoClient;
const ctx = createApplyContext();

beforeAll(async () => {
  [t, fake] = await Promise.all([createTestDatabase(), startFakeZoho()]);
  zoho = createZohoClient({
    organizationId: ORG,
    credentials: { clientId: 'id', clientSecret: 'secret', refreshToken: 'refresh' },
    accountsUrl: fake.url,
    apiUrl: fake.url,
    requestsPerMinute: 10_000,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    maxRetries: 1,
  });
}, 60_000);
afterAll(async () => {
  await Promise.all([t?.close(), fake?.close()]);
});
beforeEach(async () => {
  await sql`TRUNCATE products, categories, stock_levels, price_lists, price_list_items, tds_sync_queue RESTART IDENTITY CASCADE`.execute(t.db);
});

type Path = 'whole' | 'streamed';

/** Applies the book the fake now serves, through the old path (get, then applyPriceList) or the streamed one. */
async function applyServed(path: Path, chunkSize = 500): Promise<ApplyOutcome> {
  if (path === 'whole') return applyPriceList(t.db, await zoho.books.pricebooks.get(BOOK), ctx);
  return applyStreamedPriceList(t.db, zoho, BOOK, ctx, { chunkSize });
}

/** Every stored value of price lists, their entries and the products' prices (not the sync times). */
async function snapshot() {
  const lists = await sql`SELECT zoho_pricebook_id, name, currency_code, pricebook_type, percentage::text, is_increase, rounding_type, is_active, raw, deleted_at IS NULL AS live FROM price_lists ORDER BY 1`.execute(t.db);
  const items = await sql`SELECT zoho_pricebook_id, zoho_item_id, rate::text, deleted_at IS NULL AS live FROM price_list_items ORDER BY 1, 2`.execute(t.db);
  const prices = await sql`SELECT zoho_item_id, consumer_price::text, wholesale_price::text FROM products ORDER BY 1`.execute(t.db);
  return { lists: lists.rows, items: items.rows, prices: prices.rows };
}

async function seedProducts(count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) await applyProduct(t.db, item(rawItem({ item_id: itemId(i * 97), rate: '10' })), ctx);
}

/** The same books applied in turn through one path, from an empty database with the same products. */
async function runPath(path: Path, books: string[]) {
  await sql`TRUNCATE products, categories, stock_levels, price_lists, price_list_items RESTART IDENTITY CASCADE`.execute(t.db);
  await seedProducts(30);
  const outcomes: ApplyOutcome[] = [];
  for (const body of books) {
    fake.answer = { body };
    outcomes.push(await applyServed(path));
  }
  return { outcomes, rows: await snapshot() };
}

describe('a price book applied as it streams in', () => {
  it('leaves exactly the rows of the whole-book apply: a 20 000-entry book, then a changed one (rates, removals, additions)', async () => {
    const first = entries(20_000, 1);
    const second = entries(21_000, 2).filter((_, i) => i % 5 !== 3);
    const books = [bookJson(first), bookJson(second), bookJson(second), bookJson(second, { name: 'Wholesale Price List' })];
    const whole = await runPath('whole', books);
    const streamed = await runPath('streamed', books);
    expect(streamed.outcomes).toEqual(whole.outcomes);
    expect(whole.outcomes).toEqual(['inserted', 'updated', 'unchanged', 'updated']);
    expect(streamed.rows.items).toHaveLength(16_800);
    expect(streamed.rows).toEqual(whole.rows);
    expect(streamed.rows.prices.some((p) => (p as { wholesale_price: string | null }).wholesale_price !== null)).toBe(true);
    expect(await findWrongPrices(t.db)).toEqual([]);
  }, 120_000);

  it('commits nothing of a book whose answer breaks off midway: the previous rows stay', async () => {
    await seedProducts(30);
    fake.answer = { body: bookJson(entries(5_000, 1)) };
    await applyServed('streamed', 200);
    const before = await snapshot();

    const changed = bookJson(entries(6_000, 2), { name: 'Renamed' });
    fake.answer = { body: changed, cutAt: Math.floor(changed.length / 2) };
    const calls = fake.detailCalls;
    const error = await applyServed('streamed', 200).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZohoStreamBrokenError);
    expect(fake.detailCalls - calls).toBe(1);
    expect(await snapshot()).toEqual(before);
    // No scratch table outlives its transaction on the pooled connections.
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'tds_price_book_entries'`.execute(t.db);
    expect(rows[0]!.n).toBe(0);

    fake.answer = { body: changed };
    await applyServed('streamed', 200);
    expect((await snapshot()).items).toHaveLength(6_000);
  }, 60_000);

  it('stores a rate a double cannot hold exactly as Zoho wrote it', async () => {
    fake.answer = { body: bookJson([]).replace('"pricebook_items":[]', '"pricebook_items":[{"item_id":"1","pricebook_rate":12.345678901234567890123},{"item_id":"2","pricebook_rate":"0.30000000000000000001"}]') };
    await applyServed('streamed');
    const { rows } = await sql<{ zoho_item_id: string; rate: string }>`SELECT zoho_item_id, rate::text FROM price_list_items ORDER BY 1`.execute(t.db);
    expect(rows).toEqual([
      { zoho_item_id: '1', rate: '12.345678901234567890123' },
      { zoho_item_id: '2', rate: '0.30000000000000000001' },
    ]);
  });

  it('refuses a bad entry or an item listed twice as the whole-book apply does, writing nothing', async () => {
    fake.answer = { body: bookJson(entries(10, 1)) };
    await applyServed('streamed', 3);
    const before = await snapshot();

    const bad = entries(10, 2);
    bad[7] = { item_id: itemId(7), pricebook_rate: 'twelve' };
    fake.answer = { body: bookJson(bad) };
    const streamedBad = await applyServed('streamed', 3).catch((e: unknown) => e);
    const wholeBad = await applyServed('whole').catch((e: unknown) => e);
    expect(streamedBad).toBeInstanceOf(ZohoValidationError);
    expect((streamedBad as ZohoValidationError).issues).toEqual((wholeBad as ZohoValidationError).issues);

    const twice = entries(10, 2);
    twice[8] = { ...twice[2]! };
    fake.answer = { body: bookJson(twice) };
    const streamedTwice = await applyServed('streamed', 3).catch((e: unknown) => e);
    const wholeTwice = await applyServed('whole').catch((e: unknown) => e);
    expect(streamedTwice).toBeInstanceOf(ZohoValidationError);
    expect((streamedTwice as ZohoValidationError).message).toBe((wholeTwice as ZohoValidationError).message);
    expect(await snapshot()).toEqual(before);
  });
});

describe('the price list sync, streamed', () => {
  it('asks again for a book whose answer broke off midway, and stores it whole', async () => {
    const body = bookJson(entries(3_000, 1));
    // Cut after the first chunk of 1 000 was handed over: the client does not retry, the run's applyAll does.
    fake.first = [{ body, cutAt: Math.floor((body.length * 2) / 3) }];
    fake.answer = { body };
    const calls = fake.detailCalls;
    const result = await syncEntity({ db: t.db, zoho, applyContext: ctx }, 'pricelists', { mode: 'full' });
    expect(result.counts).toMatchObject({ fetched: 1, inserted: 1, deadLettered: 0 });
    expect(result.status).toBe('succeeded');
    expect(fake.detailCalls - calls).toBe(2);
    expect((await snapshot()).items).toHaveLength(3_000);
  });

  it('dead-letters a book with a bad entry, the entry as its raw record, and keeps the stored book', async () => {
    fake.first = [];
    fake.answer = { body: bookJson(entries(50, 1)) };
    await syncEntity({ db: t.db, zoho, applyContext: ctx }, 'pricelists', { mode: 'full' });
    const before = await snapshot();
    const bad = entries(50, 2);
    bad[42] = { item_id: itemId(42), pricebook_rate: 'n/a' };
    fake.answer = { body: bookJson(bad) };
    const result = await syncEntity({ db: t.db, zoho, applyContext: ctx }, 'pricelists', { mode: 'full' });
    expect(result.counts).toMatchObject({ deadLettered: 1 });
    expect(await snapshot()).toEqual(before);
    const { rows } = await sql<{ zoho_id: string; payload: unknown; error: string }>`SELECT zoho_id, payload, error FROM tds_dead_letter_queue WHERE entity_type = 'pricelists'`.execute(t.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ zoho_id: BOOK, payload: { item_id: itemId(42), pricebook_rate: 'n/a' } });
    expect(rows[0]!.error).toContain('pricebook_items.42.pricebook_rate');
  });
});

describe("a queue item's price book (a webhook with the book's id only, or a deletion to check)", () => {
  const handler = () => createRecordHandler('pricelists', { db: t.db, zoho, applyContext: ctx });

  /** Enqueues one item about the book, claims it and runs the price list handler on it, as a worker would. */
  async function handleItem(operation: QueueOperation) {
    await enqueueMany(t.db, [{ entity_type: 'pricelists', zoho_id: BOOK, operation, payload: null, source: 'webhook' }]);
    const items = await claim(t.db, { workerId: 'stream-test', batchSize: 10, leaseSeconds: 60 });
    expect(items).toHaveLength(1);
    return handler()(items, { workerId: 'stream-test', signal: new AbortController().signal });
  }

  /** Transactions open on the test database other than this query's own. */
  async function openTransactions(): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`.execute(t.db);
    return rows[0]!.n;
  }

  it('stages the entries while the answer is still arriving, and leaves the rows of the whole-book apply', async () => {
    const body = bookJson(entries(20_000, 3));
    const whole = await runPath('whole', [body]);

    await sql`TRUNCATE products, categories, stock_levels, price_lists, price_list_items RESTART IDENTITY CASCADE`.execute(t.db);
    await seedProducts(30);
    const before = await snapshot();
    let held!: () => void;
    const heldThere = new Promise<void>((resolve) => (held = resolve));
    let resume!: () => void;
    fake.first = [];
    fake.answer = { body, hold: { at: Math.floor(body.length / 2), held: () => held(), resume: new Promise<void>((resolve) => (resume = resolve)) } };
    const handled = handleItem('upsert');
    try {
      await heldThere;
      // Half the answer is out and the rest is held back: the whole-book path would not have opened a
      // transaction yet; the streamed one holds the book's transaction with its first chunks staged.
      const deadline = Date.now() + 10_000;
      while ((await openTransactions()) === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await openTransactions()).toBe(1);
      expect(await snapshot()).toEqual(before);
    } finally {
      resume(); // whatever failed above, the held answer ends and the handler returns
    }
    const outcomes = await handled;
    expect(outcomes).toEqual([{ id: expect.any(String), status: 'completed' }]);
    expect(await snapshot()).toEqual(whole.rows);
  });

  it('keeps the stored book when the answer breaks off midway: the item fails to be tried again', async () => {
    fake.first = [];
    fake.answer = { body: bookJson(entries(3_000, 1)) };
    expect(await handleItem('upsert')).toEqual([{ id: expect.any(String), status: 'completed' }]);
    await sql`DELETE FROM tds_sync_queue`.execute(t.db);
    const before = await snapshot();
    const changed = bookJson(entries(3_000, 2));
    fake.answer = { body: changed, cutAt: Math.floor((changed.length * 2) / 3) };
    const [outcome] = await handleItem('upsert');
    expect(outcome).toMatchObject({ status: 'failed', retryable: true });
    expect(String((outcome as { error: unknown }).error)).toMatch(/^ZohoStreamBrokenError/);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a book with a bad entry for good (no retry), naming the entry, and keeps the stored book', async () => {
    fake.first = [];
    fake.answer = { body: bookJson(entries(50, 1)) };
    await handleItem('upsert');
    await sql`DELETE FROM tds_sync_queue`.execute(t.db);
    const before = await snapshot();
    const bad = entries(50, 2);
    bad[7] = { item_id: itemId(7), pricebook_rate: 'n/a' };
    fake.answer = { body: bookJson(bad) };
    const [outcome] = await handleItem('upsert');
    expect(outcome).toMatchObject({ status: 'failed', retryable: false });
    expect(String((outcome as { error: unknown }).error)).toContain('pricebook_items.7.pricebook_rate');
    expect(await snapshot()).toEqual(before);
  });

  it('soft-deletes the book when Zoho answers a deletion check with "does not exist"', async () => {
    fake.first = [];
    fake.answer = { body: bookJson(entries(10, 1)) };
    await handleItem('upsert');
    await sql`DELETE FROM tds_sync_queue`.execute(t.db);
    fake.answer = { status: 404, body: JSON.stringify({ code: 1002, message: 'Price book does not exist.' }) };
    expect(await handleItem('delete')).toEqual([{ id: expect.any(String), status: 'completed' }]);
    const { lists } = await snapshot();
    expect(lists).toMatchObject([{ zoho_pricebook_id: BOOK, live: false }]);
  });
});
