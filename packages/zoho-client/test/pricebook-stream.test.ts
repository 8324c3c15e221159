import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ZohoAbortedError, ZohoApiError, ZohoStreamBrokenError, ZohoValidationError } from '../src';
import type { ZohoResponseEvent } from '../src/internal';
import { BOOKS, caught, makeClient, server, tokenEndpoint, useMsw } from './helpers';

useMsw();

const URL_BOOK = `${BOOKS}/pricebooks/77`;

function bookJson(entries: number, extra: Record<string, unknown> = {}): string {
  const items = Array.from({ length: entries }, (_, i) => ({ item_id: `9${String(i).padStart(6, '0')}`, pricebook_rate: `${i}.25`, price_brackets: [] }));
  return JSON.stringify({
    code: 0,
    message: 'success',
    pricebook: { pricebook_id: '77', name: 'Wholesale', currency_code: 'USD', status: 'active', pricebook_type: 'per_item', is_increase: false, percentage: '', rounding_type: 'no_rounding', pricebook_items: items, ...extra },
  });
}

/** A 200 whose body arrives `size` bytes at a time, ending early after `cutAt` bytes when given (closed, or failed with `fail`). */
function piecewise(text: string, size: number, options: { cutAt?: number; fail?: boolean } = {}): Response {
  const bytes = new TextEncoder().encode(text);
  const end = options.cutAt ?? bytes.length;
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= end) {
        if (options.fail) controller.error(new TypeError('terminated'));
        else controller.close();
        return;
      }
      controller.enqueue(bytes.slice(at, Math.min(at + size, end)));
      at += size;
    },
  });
  return new HttpResponse(body, { status: 200, headers: { 'content-type': 'application/json;charset=UTF-8' } });
}

/** Serves `answers` in turn (the last one again once they run out), recording each request. */
function serve(...answers: Array<() => Response>) {
  const seen: Request[] = [];
  server.use(
    tokenEndpoint().handler,
    http.get(URL_BOOK, ({ request }) => {
      seen.push(request);
      return answers[Math.min(seen.length - 1, answers.length - 1)]!();
    }),
  );
  return seen;
}

function collector() {
  const chunks: Array<{ offset: number; ids: string[]; rates: Array<string | null> }> = [];
  return {
    chunks,
    onEntries: (entries: Array<{ item_id: string; pricebook_rate: string | null }>, offset: number) => {
      chunks.push({ offset, ids: entries.map((e) => e.item_id), rates: entries.map((e) => e.pricebook_rate) });
    },
  };
}

describe('books.pricebooks.streamDetail', () => {
  it('hands the entries over in chunks of chunkSize, in order, with the header at the end', async () => {
    const seen = serve(() => new HttpResponse(bookJson(2_500), { headers: { 'content-type': 'application/json' } }));
    const got = collector();
    const book = await makeClient().books.pricebooks.streamDetail('77', { chunkSize: 1_000, onEntries: got.onEntries });
    expect(got.chunks.map((c) => [c.offset, c.ids.length])).toEqual([
      [0, 1_000],
      [1_000, 1_000],
      [2_000, 500],
    ]);
    expect(got.chunks.flatMap((c) => c.ids)).toEqual(Array.from({ length: 2_500 }, (_, i) => `9${String(i).padStart(6, '0')}`));
    expect(got.chunks[2]!.rates.at(-1)).toBe('2499.25');
    expect(book).toEqual({
      header: { pricebook_id: '77', name: 'Wholesale', currency_code: 'USD', status: 'active', pricebook_type: 'per_item', is_increase: false, percentage: null, rounding_type: 'no_rounding' },
      hasEntries: true,
      entryCount: 2_500,
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.get('authorization')).toBe('Zoho-oauthtoken tok-1');
    expect(new URL(seen[0]!.url).searchParams.get('organization_id')).toBe('60000000001');
  });

  it('gives the same entries when the body arrives a few bytes at a time', async () => {
    const text = bookJson(300);
    serve(() => piecewise(text, 3));
    const got = collector();
    const book = await makeClient().books.pricebooks.streamDetail('77', { chunkSize: 64, onEntries: got.onEntries });
    const whole = (JSON.parse(text) as { pricebook: { pricebook_items: Array<{ item_id: string; pricebook_rate: string }> } }).pricebook.pricebook_items;
    expect(got.chunks.flatMap((c) => c.ids)).toEqual(whole.map((e) => e.item_id));
    expect(got.chunks.flatMap((c) => c.rates)).toEqual(whole.map((e) => e.pricebook_rate));
    expect(got.chunks.every((c) => c.ids.length <= 64)).toBe(true);
    expect(book.entryCount).toBe(300);
  });

  it('keeps decimals exact: a rate a double cannot hold stays as Zoho wrote it, numbers read as JSON.parse would', async () => {
    const text =
      '{"code":0,"message":"success","pricebook":{"pricebook_items":[' +
      '{"item_id":"1","pricebook_rate":12.345678901234567890123},' +
      '{"item_id":"2","pricebook_rate":12.50},' +
      '{"item_id":"3","pricebook_rate":"3.10"},' +
      '{"item_id":4,"pricebook_rate":1e2,"price_brackets":[{"start_quantity":1,"end_quantity":10.0,"pricebook_rate":0.30000000000000000001}]}' +
      '],"pricebook_id":"77","name":"Mark-up","pricebook_type":"fixed_percentage","percentage":7.123456789012345678,"is_increase":true}}';
    serve(() => piecewise(text, 5));
    const entries: unknown[] = [];
    const book = await makeClient().books.pricebooks.streamDetail('77', { onEntries: (chunk) => void entries.push(...chunk) });
    expect(entries).toEqual([
      { item_id: '1', pricebook_rate: '12.345678901234567890123' },
      { item_id: '2', pricebook_rate: '12.5' },
      { item_id: '3', pricebook_rate: '3.10' },
      { item_id: '4', pricebook_rate: '100', price_brackets: [{ start_quantity: '1', end_quantity: '10', pricebook_rate: '0.30000000000000000001' }] },
    ]);
    expect(book.header.percentage).toBe('7.123456789012345678');
    expect(book.header.is_increase).toBe(true);
  });

  it('tells a book without pricebook_items from one with an empty list', async () => {
    serve(() => HttpResponse.json({ code: 0, message: 'success', pricebook: { pricebook_id: '77', name: 'Ten off', pricebook_type: 'fixed_percentage', percentage: 10 } }));
    const onEntries = () => {
      throw new Error('no entries expected');
    };
    const client = makeClient();
    const none = await client.books.pricebooks.streamDetail('77', { onEntries });
    expect(none).toMatchObject({ hasEntries: false, entryCount: 0, header: { percentage: '10' } });
    serve(() => HttpResponse.json({ code: 0, message: 'success', pricebook: { pricebook_id: '77', name: 'Empty', pricebook_items: [] } }));
    expect(await client.books.pricebooks.streamDetail('77', { onEntries })).toMatchObject({ hasEntries: true, entryCount: 0 });
  });

  it('turns an error envelope into a ZohoApiError with its code, not retried (HTTP 200 or 404)', async () => {
    const seen = serve(() => HttpResponse.json({ code: 1002, message: 'Price list does not exist.' }));
    const error = await caught(makeClient().books.pricebooks.streamDetail('77', { onEntries: () => undefined }));
    expect(error).toBeInstanceOf(ZohoApiError);
    expect(error).toMatchObject({ status: 200, code: 1002, retryable: false, detail: 'Price list does not exist.' });
    expect(seen).toHaveLength(1);

    const notFound = serve(() => HttpResponse.json({ code: 1002, message: 'Resource not found' }, { status: 404 }));
    expect(await caught(makeClient().books.pricebooks.streamDetail('77', { onEntries: () => undefined }))).toMatchObject({ status: 404, code: 1002, retryable: false });
    expect(notFound).toHaveLength(1);
  });

  it('retries a 429, then streams the book', async () => {
    const seen = serve(
      () => HttpResponse.json({ code: 44, message: 'Too many requests' }, { status: 429, headers: { 'retry-after': '0' } }),
      () => piecewise(bookJson(10), 7),
    );
    const got = collector();
    const client = makeClient();
    const book = await client.books.pricebooks.streamDetail('77', { chunkSize: 4, onEntries: got.onEntries });
    expect(seen).toHaveLength(2);
    expect(book.entryCount).toBe(10);
    expect(got.chunks.map((c) => c.ids.length)).toEqual([4, 4, 2]);
    expect(client.stats()).toMatchObject({ retries: 1, requests: { byStatus: { 200: 1, 429: 1 } } });
  });

  it('retries an HTML page or a cut body that broke before any entry was handed over, from the start', async () => {
    const text = bookJson(50);
    const seen = serve(
      () => new HttpResponse('<html><body>Bad gateway</body></html>', { status: 200, headers: { 'content-type': 'text/html' } }),
      () => piecewise(text, 16, { cutAt: 40, fail: true }),
      () => piecewise(text, 16),
    );
    const got = collector();
    const book = await makeClient().books.pricebooks.streamDetail('77', { chunkSize: 1_000, onEntries: got.onEntries });
    expect(seen).toHaveLength(3);
    expect(book.entryCount).toBe(50);
    expect(got.chunks.map((c) => [c.offset, c.ids.length])).toEqual([[0, 50]]);
  });

  it('says a truncated body is cut short (a typed, retryable error once retries are spent)', async () => {
    const text = bookJson(20);
    const seen = serve(() => piecewise(text, 50, { cutAt: text.length - 30 }));
    const error = await caught(makeClient({ maxRetries: 1 }).books.pricebooks.streamDetail('77', { chunkSize: 1_000, onEntries: () => undefined }));
    expect(error).toBeInstanceOf(ZohoApiError);
    expect(error).toMatchObject({ status: 200, retryable: true });
    expect((error as Error).message).toMatch(/cut short/);
    expect(seen).toHaveLength(2);
  });

  it('ends with ZohoStreamBrokenError, without retrying, when the body breaks after entries were handed over', async () => {
    const text = bookJson(400);
    const broken = serve(() => piecewise(text, 256, { cutAt: Math.floor(text.length / 2), fail: true }));
    const got = collector();
    const error = await caught(makeClient().books.pricebooks.streamDetail('77', { chunkSize: 10, onEntries: got.onEntries }));
    expect(error).toBeInstanceOf(ZohoStreamBrokenError);
    expect(error).toMatchObject({ retryable: true });
    expect((error as ZohoStreamBrokenError).cause).toBeInstanceOf(ZohoApiError);
    expect(got.chunks.length).toBeGreaterThan(0);
    expect(broken).toHaveLength(1);

    const cut = serve(() => piecewise(text, 256, { cutAt: text.length - 5 }));
    expect(await caught(makeClient().books.pricebooks.streamDetail('77', { chunkSize: 10, onEntries: () => undefined }))).toBeInstanceOf(ZohoStreamBrokenError);
    expect(cut).toHaveLength(1);
  });

  it('refuses a bad entry as get() refuses the book: a ZohoValidationError naming the entry, not retried', async () => {
    const text = JSON.stringify({
      code: 0,
      message: 'success',
      pricebook: { pricebook_id: '77', name: 'W', pricebook_items: [{ item_id: '1', pricebook_rate: '1' }, { item_id: '2', pricebook_rate: 'abc' }] },
    });
    const seen = serve(() => new HttpResponse(text, { headers: { 'content-type': 'application/json' } }));
    const error = await caught(makeClient().books.pricebooks.streamDetail('77', { onEntries: () => undefined }));
    expect(error).toBeInstanceOf(ZohoValidationError);
    expect(error).toMatchObject({ entity: 'pricebook', recordId: '77', issues: [{ path: 'pricebook_items.1.pricebook_rate', message: 'expected a decimal number, received "abc"' }], raw: { item_id: '2', pricebook_rate: 'abc' } });
    expect(seen).toHaveLength(1);
    const whole = await caught(makeClient().books.pricebooks.get('77'));
    expect((whole as ZohoValidationError).issues).toEqual((error as ZohoValidationError).issues);
  });

  it('passes the consumer’s own error through unchanged and never retries it', async () => {
    const seen = serve(() => piecewise(bookJson(30), 100));
    const mine = new Error('database went away');
    const error = await caught(
      makeClient().books.pricebooks.streamDetail('77', {
        chunkSize: 5,
        onEntries: () => {
          throw mine;
        },
      }),
    );
    expect(error).toBe(mine);
    expect(seen).toHaveLength(1);
  });

  it('stops at once when its signal aborts mid-body, reporting the response through the hooks', async () => {
    serve(() => piecewise(bookJson(500), 128));
    const controller = new AbortController();
    const error = await caught(
      makeClient().books.pricebooks.streamDetail('77', {
        chunkSize: 10,
        signal: controller.signal,
        onEntries: (_, offset) => {
          if (offset >= 50) controller.abort(new Error('deadline'));
        },
      }),
    );
    expect(error).toBeInstanceOf(ZohoAbortedError);
    expect(error).toMatchObject({ phase: 'in-flight' });

    const ok: ZohoResponseEvent[] = [];
    serve(() => piecewise(bookJson(5), 64));
    await makeClient({ hooks: { onResponse: (e) => void ok.push(e) } }).books.pricebooks.streamDetail('77', { onEntries: () => undefined });
    expect(ok).toMatchObject([{ method: 'GET', endpoint: '/books/v3/pricebooks/77', status: 200, attempt: 1 }]);
    expect(ok[0]!.error).toBeUndefined();
  });
});
