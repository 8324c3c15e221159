import { request as httpRequest } from 'node:http';
import { signZohoWebhook } from '@tsh/zoho-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveTds, type TdsServer } from '../src';
import { createFakeCore, type FakeCoreControls } from './helpers/fake-core';
import { capturingLogger } from './helpers/log-capture';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// Repeated wrong admin tokens are slowed down per client address (docs/security.md), and the
// adapter's options are the ones used: webhooks are verified by the core, maxBodyBytes limits.

const SECRET = 'zohoWebhookSecret42';
const ADMIN = 'admin-token-lockout-0123456789abcdef';

let t: TestDatabase;
let fake: FakeCoreControls;
let server: TdsServer;
let clock = 1_000_000;
const log = capturingLogger();

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

/** One request from a chosen loopback address, so the server sees different clients. */
function send(from: string, path: string, options: { token?: string; method?: string; body?: Buffer; headers?: Record<string, string> } = {}): Promise<Answer> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? 'GET',
        localAddress: from,
        agent: false,
        headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  fake = createFakeCore(t.db, log.logger, SECRET);
  // No webhookSecret: the core verifies webhooks with its own configuration.
  server = await serveTds(fake.core, { adminToken: ADMIN, port: 0, host: '127.0.0.1', maxBodyBytes: 2048, adminLockout: { now: () => clock } });
});
afterAll(async () => {
  await server?.close({ closeCore: false });
  await t?.close();
});

describe('wrong admin tokens are slowed down per client address', () => {
  it('five wrong tokens in a minute lock the address out with 429 and Retry-After, doubling per block; other addresses are not affected', async () => {
    const attacker = '127.0.0.2';
    for (let i = 0; i < 5; i++) expect((await send(attacker, '/api/tds/queue', { token: `wrong-${i}` })).status).toBe(403);

    // Locked: even the right token is refused from this address, and the answer says for how long.
    const locked = await send(attacker, '/api/tds/queue', { token: ADMIN });
    expect({ status: locked.status, retryAfter: locked.retryAfter }).toEqual({ status: 429, retryAfter: '30' });
    expect(JSON.parse(locked.body)).toMatchObject({ error: { status: 429, code: 'too_many_attempts' } });
    expect(locked.body).not.toContain(ADMIN);
    // Every admin route shares the count: /metrics and the detailed health too.
    expect((await send(attacker, '/metrics', { token: ADMIN })).status).toBe(429);
    expect((await send(attacker, '/api/health', { token: ADMIN })).status).toBe(429);
    // Anonymous health is not an admin route.
    expect((await send(attacker, '/api/health')).status).toBe(200);

    // Another client is served as usual.
    expect((await send('127.0.0.3', '/api/tds/queue', { token: ADMIN })).status).toBe(200);

    // After the block one more wrong token blocks again, for twice as long.
    clock += 31_000;
    expect((await send(attacker, '/api/tds/queue', { token: 'wrong-again' })).status).toBe(403);
    const again = await send(attacker, '/api/tds/queue', { token: ADMIN });
    expect({ status: again.status, retryAfter: again.retryAfter }).toEqual({ status: 429, retryAfter: '60' });

    // Once it has passed, the right token works and clears the record.
    clock += 61_000;
    expect((await send(attacker, '/api/tds/queue', { token: ADMIN })).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await send(attacker, '/api/tds/queue', { token: `wrong-${i}` })).status).toBe(403);
    expect((await send(attacker, '/api/tds/queue', { token: ADMIN })).status).toBe(200);
  });

  it('failures older than the window do not count', async () => {
    const slow = '127.0.0.4';
    for (let i = 0; i < 8; i++) {
      expect((await send(slow, '/api/tds/queue', { token: `wrong-${i}` })).status).toBe(403);
      clock += 20_000; // three failures a minute at most
    }
    expect((await send(slow, '/api/tds/queue', { token: ADMIN })).status).toBe(200);
  });
});

describe('the adapter options are the ones used', () => {
  const item = (id: string) => Buffer.from(JSON.stringify({ item: { item_id: id, name: 'Cable', rate: '1.00', last_modified_time: '2025-06-03T14:22:47+0300' } }));
  const signed = (body: Buffer) => ({ 'content-type': 'application/json', 'x-zoho-webhook-signature': signZohoWebhook({ secret: SECRET, query: {}, rawBody: body, contentType: 'application/json' }) });

  it('without webhookSecret the adapter starts, and the core verifies deliveries with its own secret', async () => {
    const good = item('4815000000044208');
    expect((await send('127.0.0.1', '/api/zoho/webhooks/products', { method: 'POST', body: good, headers: signed(good) })).status).toBe(202);
    const forged = item('4815000000044209');
    const refused = await send('127.0.0.1', '/api/zoho/webhooks/products', { method: 'POST', body: forged, headers: { ...signed(good), 'content-length': String(forged.length) } });
    expect(refused.status).toBe(401);
  });

  it('maxBodyBytes (2 KB here, below the core\'s 1 MB) limits what a delivery may carry', async () => {
    const big = Buffer.from(JSON.stringify({ item: { item_id: '4815000000044210', name: 'x'.repeat(3000) } }));
    const answer = await send('127.0.0.1', '/api/zoho/webhooks/products', { method: 'POST', body: big, headers: signed(big) });
    expect(answer.status).toBe(413);
  });
});
