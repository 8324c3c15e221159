import { connect } from 'node:net';
import { signZohoWebhook } from '@tsh/zoho-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serveTds, type TdsServer } from '../src';
import { createFakeCore } from './helpers/fake-core';
import { capturingLogger } from './helpers/log-capture';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// A client that announces a body and sends it slowly, or never, must not hold a connection for
// Node's default 5 minutes: serveTds answers 408 once requestTimeoutMs passes (src/serve.ts).

const SECRET = 'zohoWebhookSecret42';
let t: TestDatabase;
let server: TdsServer;

beforeAll(async () => {
  t = await createTestDatabase();
  const fake = createFakeCore(t.db, capturingLogger().logger, SECRET);
  server = await serveTds(fake.core, { webhookSecret: SECRET, adminToken: 'admin-token-0123456789', port: 0, requestTimeoutMs: 400 });
});
afterAll(async () => {
  await server?.close({ closeCore: false });
  await t?.close();
});

/** Sends `head` and part of a body on a raw connection and collects what comes back until the server closes it. */
function sendPart(head: string, part: string): Promise<{ answer: string; closedAfterMs: number }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(head + part));
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve({ answer, closedAfterMs: Date.now() - started }));
    socket.on('error', reject);
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 15 s; got ${JSON.stringify(answer)}`));
    }, 15_000);
  });
}

it('a webhook whose body never arrives in full is answered 408 and closed, nothing stored; the server goes on', { timeout: 30_000 }, async () => {
  const body = JSON.stringify({ item: { item_id: '4815000000044301', name: 'Slow', rate: '1.50' } });
  const signature = signZohoWebhook({ secret: SECRET, rawBody: Buffer.from(body), contentType: 'application/json' });
  const head = `POST /api/zoho/webhooks/products HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Zoho-Webhook-Signature: ${signature}\r\nContent-Length: ${body.length}\r\n\r\n`;
  const { answer } = await sendPart(head, body.slice(0, 10));
  expect(answer).toMatch(/^HTTP\/1\.1 408/);
  const { rows } = await t.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM tds_webhook_events');
  expect(rows[0]!.n).toBe(0);

  const whole = await fetch(`${server.url}/api/zoho/webhooks/products`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-zoho-webhook-signature': signature }, body });
  expect(whole.status).toBe(202);
});

it('refuses a requestTimeoutMs that is not a whole number of milliseconds, before listening', async () => {
  const fake = createFakeCore(t.db, capturingLogger().logger, SECRET);
  for (const bad of [0, -1, 1.5, Number.NaN]) {
    await expect(serveTds(fake.core, { webhookSecret: SECRET, adminToken: 'admin-token-0123456789', port: 0, requestTimeoutMs: bad }), String(bad)).rejects.toThrow(/requestTimeoutMs must be a whole number/);
  }
});
