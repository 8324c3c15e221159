import { signZohoWebhook } from '@tsh/zoho-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serveTds } from '../src';
import { createFakeCore } from './helpers/fake-core';
import { capturingLogger } from './helpers/log-capture';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

const SECRET = 'zohoWebhookSecret42';
const ADMIN = 'admin-token-0123456789';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

function signedItem(n: number): { body: string; signature: string } {
  const body = JSON.stringify({ item: { item_id: `shutdown-${n}`, name: `Item ${n}`, rate: '1.50' } });
  return { body, signature: signZohoWebhook({ secret: SECRET, rawBody: Buffer.from(body), contentType: 'application/json' }) };
}

it('a graceful close finishes in-flight webhooks: every one acknowledged is stored, then the core closes', async () => {
  const fake = createFakeCore(t.db, capturingLogger().logger, SECRET);
  // Hold each delivery briefly inside the core so that the close lands while they are in flight.
  let entered = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const realIngest = fake.core.webhooks.ingestStream;
  fake.core.webhooks = {
    ...fake.core.webhooks,
    ingestStream: async (delivery) => {
      entered++;
      await gate;
      return realIngest(delivery);
    },
  };
  const server = await serveTds(fake.core, { webhookSecret: SECRET, adminToken: ADMIN, port: 0 });

  const N = 12;
  const inFlight = Array.from({ length: N }, (_, n) => {
    const { body, signature } = signedItem(n);
    return fetch(`${server.url}/api/zoho/webhooks/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-zoho-webhook-signature': signature },
      body,
    }).then(
      async (res) => ({ status: res.status, body: (await res.json()) as { eventId?: string } }),
      () => ({ status: 0, body: {} as { eventId?: string } }),
    );
  });
  while (entered < N) await new Promise((resolve) => setTimeout(resolve, 5));

  const closing = server.close();
  // New connections are refused once closing has begun.
  const late = await fetch(`${server.url}/api/health`).then(
    () => 'answered',
    () => 'refused',
  );
  expect(late).toBe('refused');
  expect(fake.closed).toBe(0);
  release();

  const answers = await Promise.all(inFlight);
  await closing;
  expect(answers.map((a) => a.status)).toEqual(Array(N).fill(202));
  const { rows } = await t.pool.query<{ id: string }>(`SELECT id::text FROM tds_webhook_events`);
  expect(rows.map((r) => r.id).sort()).toEqual(answers.map((a) => a.body.eventId).sort());
  const queued = await t.pool.query(`SELECT count(*)::int AS n FROM tds_sync_queue WHERE zoho_id LIKE 'shutdown-%'`);
  expect(queued.rows[0].n).toBe(N);
  expect(fake.closed).toBe(1);
});
