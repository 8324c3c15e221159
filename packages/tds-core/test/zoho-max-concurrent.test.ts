import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src';
import { zohoFromConfig } from '../src/core/zoho-from-config';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// TDS_ZOHO_MAX_CONCURRENT: Zoho allows 10 calls in flight on paid plans and 5 on Free
// (docs/zoho-behaviour.md); the cap is the cluster's, kept by the PostgreSQL rate limiter.

const ZOHO = { ZOHO_CLIENT_ID: '1000.ID', ZOHO_CLIENT_SECRET: 'cs-value-123', ZOHO_REFRESH_TOKEN: 'rt-value-456', ZOHO_ORGANIZATION_ID: '80012345' };
const silent = { debug() {}, info() {}, warn() {}, error() {} };
let t: TestDatabase;
let server: Server;
let url: string;
let inFlight = 0;
let mostInFlight = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  // A Zoho stand-in on 127.0.0.1 whose list calls take 150 ms, counting how many it holds at once.
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url!.startsWith('/oauth')) {
      res.end(JSON.stringify({ access_token: 'tok', expires_in: 3600, token_type: 'Bearer' }));
      return;
    }
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    setTimeout(() => {
      inFlight -= 1;
      res.end(JSON.stringify({ code: 0, message: 'success', contacts: [], page_context: { page: 1, per_page: 200, has_more_page: false } }));
    }, 150);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await t?.close();
});
beforeEach(() => {
  mostInFlight = 0;
});

const client = (env: Record<string, string>) =>
  zohoFromConfig(loadConfig({ ...ZOHO, ZOHO_ACCOUNTS_URL: url, ZOHO_API_URL: url, TDS_RATE_LIMIT_PER_MINUTE: '10000', ...env }), { db: t.db, pool: t.pool, logger: silent });

describe('TDS_ZOHO_MAX_CONCURRENT', () => {
  it('5 holds 20 parallel calls to 5 in flight', { timeout: 30_000 }, async () => {
    const zoho = client({ TDS_ZOHO_MAX_CONCURRENT: '5' });
    await Promise.all(Array.from({ length: 20 }, () => zoho.books.contacts.list()));
    expect(mostInFlight).toBe(5);
  });

  it('is one cap for two clients sharing the database, as two processes would', { timeout: 30_000 }, async () => {
    const [a, b] = [client({ TDS_ZOHO_MAX_CONCURRENT: '5' }), client({ TDS_ZOHO_MAX_CONCURRENT: '5' })];
    await Promise.all(Array.from({ length: 20 }, (_, n) => (n % 2 === 0 ? a : b).books.contacts.list()));
    expect(mostInFlight).toBe(5);
  });

  it('defaults to 10', { timeout: 30_000 }, async () => {
    const zoho = client({});
    await Promise.all(Array.from({ length: 30 }, () => zoho.books.contacts.list()));
    expect(mostInFlight).toBe(10);
  });

  it('a value that is not a whole number from 1 to 100 stops start-up naming the variable', () => {
    for (const bad of ['0', '-1', '2.5', 'ten', '101']) {
      let caught: unknown;
      try {
        loadConfig({ ...ZOHO, TDS_ZOHO_MAX_CONCURRENT: bad });
      } catch (error) {
        caught = error;
      }
      expect(caught, bad).toBeInstanceOf(ConfigError);
      expect(String((caught as Error).message), bad).toContain('TDS_ZOHO_MAX_CONCURRENT');
    }
  });
});
