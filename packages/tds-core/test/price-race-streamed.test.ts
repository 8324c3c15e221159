import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createZohoClient, type ZohoClient } from '@tsh/zoho-client';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApplyContext, type ApplyContext } from '../src/apply';
import { applyStreamedPriceList } from '../src/apply/price-list-stream';
import { applyRaceOp, type PriceRaceOp } from './fixtures/price-race-ops';
import { priceRaceScenario } from './fixtures/price-race-scenario';
import { findWrongPrices } from './helpers/expected-prices';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// The price race of price-race.test.ts with every price book read from a Zoho stand-in as a stream
// and applied while it is read (the full sync's and the queue's path, docs/prices.md): its entries
// are staged before the role lock, a few at a time, so product applies run between its chunks.
// Afterwards every product's consumer / wholesale price must be what the stored lists give it.

const ROUNDS = 20;
const SEED = Number(process.env.PRICE_RACE_SEED ?? 20_261_207);
/** Small chunks: many awaits inside one book's apply, so the other appliers interleave with it. */
const CHUNK = 3;

let t: TestDatabase;
let server: Server;
let zoho: ZohoClient;
/** The bodies waiting to be served, per book id: each detail request takes the oldest. */
const waitingBodies = new Map<string, string[]>();

beforeAll(async () => {
  t = await createTestDatabase({ maxConnections: 12 });
  server = createServer((request, response) => {
    if (request.method === 'POST' && request.url?.startsWith('/oauth/v2/token')) {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ access_token: 'tok', expires_in: 3600, token_type: 'Bearer' }));
      return;
    }
    const id = /^\/books\/v3\/pricebooks\/([^/?]+)/.exec(request.url ?? '')?.[1];
    const body = id === undefined ? undefined : waitingBodies.get(id)?.shift();
    response.setHeader('content-type', 'application/json;charset=UTF-8');
    if (body === undefined) {
      response.statusCode = 500;
      response.end('{"code":5,"message":"no body waiting for this book"}');
      return;
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  zoho = createZohoClient({
    organizationId: '70002',
    credentials: { clientId: 'id', clientSecret: 'secret', refreshToken: 'refresh' },
    accountsUrl: url,
    apiUrl: url,
    requestsPerMinute: 100_000,
    maxRetries: 0,
  });
}, 60_000);
afterAll(async () => {
  await Promise.all([t?.close(), new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))]);
});
beforeEach(async () => {
  await sql`TRUNCATE products, categories, stock_levels, price_lists, price_list_items RESTART IDENTITY CASCADE`.execute(t.db);
});

/** A product op as price-race.test.ts applies it; a book op served by the stand-in and applied as it streams. */
function applyStreamedOp(op: PriceRaceOp, ctx: ApplyContext): Promise<unknown> {
  if (op.kind !== 'pricebook') return applyRaceOp(t.db, op, ctx);
  const id = String(op.raw.pricebook_id);
  waitingBodies.set(id, [...(waitingBodies.get(id) ?? []), JSON.stringify({ code: 0, message: 'success', pricebook: op.raw })]);
  return applyStreamedPriceList(t.db, zoho, id, ctx, { chunkSize: CHUNK });
}

describe('product applies racing price books applied as they stream in', () => {
  it('in one process with several appliers, every interleaving leaves every price equal to its list', async () => {
    const nextRound = priceRaceScenario(SEED);
    const contexts = Array.from({ length: 4 }, () => createApplyContext());
    let books = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const ops = nextRound(round);
      books += ops.filter((op) => op.kind === 'pricebook').length;
      let next = 0;
      await Promise.all(contexts.map(async (ctx) => {
        while (next < ops.length) await applyStreamedOp(ops[next++]!, ctx);
      }));
      expect(await findWrongPrices(t.db), `seed ${SEED}, round ${round}: products whose price misses its list`).toEqual([]);
    }
    expect([...waitingBodies.values()].flat(), 'every book served was asked for').toEqual([]);
    expect(books).toBeGreaterThan(ROUNDS);
    const { rows } = await sql<{ priced: string }>`SELECT count(*) FILTER (WHERE consumer_price IS NOT NULL) AS priced FROM products`.execute(t.db);
    expect(Number(rows[0]!.priced)).toBeGreaterThan(0);
  }, 240_000);
});
