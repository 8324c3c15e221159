import { createWebhookIngestor } from '@tsh/tds-core/internal';
import { signZohoWebhook } from '@tsh/zoho-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serveTds, type TdsServer } from '../src';
import { createFakeCore } from './helpers/fake-core';
import { httpSend, type HttpAnswer } from './helpers/http';
import { capturingLogger } from './helpers/log-capture';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { waitFor } from '@tsh/test-utils';

// A slow database, for real: another session holds a lock that every webhook insert waits for.
// What waits in memory is bounded; past the bound the answer is 503 + Retry-After at once and
// nothing is stored for it; every 2xx is stored (docs/hardening.md).

const SECRET = 'zohoWebhookSecret42';
const MAX_HELD = 20;
const DELIVERIES = 120;

let t: TestDatabase;
let server: TdsServer;

beforeAll(async () => {
  t = await createTestDatabase();
  const { core } = createFakeCore(t.db, capturingLogger().logger, SECRET);
  core.webhooks = createWebhookIngestor({ db: t.db, secret: SECRET, batch: { maxHeld: MAX_HELD, maxBatch: 5, retryAfterSeconds: 7 } });
  server = await serveTds(core, { webhookSecret: SECRET, adminToken: 'admin-token-0123456789abcdef0123', port: 0 });
});
afterAll(async () => {
  await server?.close({ closeCore: false });
  await t?.close();
});

function deliver(zohoId: string): Promise<HttpAnswer> {
  const body = JSON.stringify({ item: { item_id: zohoId, name: `Item ${zohoId}`, last_modified_time: '2025-06-03T14:22:47+0300' } });
  const signature = signZohoWebhook({ secret: SECRET, rawBody: Buffer.from(body), contentType: 'application/json' });
  return httpSend(`${server.url}/api/zoho/webhooks/products`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-zoho-webhook-signature': signature },
    body,
  });
}

it('many deliveries to a stalled database: at most the bound waits, the rest get 503 + Retry-After at once, every 2xx is stored and nothing else', async () => {
  const holder = await t.pool.connect();
  let released = false;
  try {
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE tds_webhook_events IN EXCLUSIVE MODE');

    const ids = Array.from({ length: DELIVERIES }, (_, i) => String(770_000 + i));
    const answers = new Map<string, HttpAnswer>();
    const all = Promise.all(ids.map((id) => deliver(id).then((answer) => answers.set(id, answer))));

    // The refusals come while the lock is still held: nobody waits for the database to say no.
    await waitFor(() => [...answers.values()].filter((a) => a.status === 503).length >= DELIVERIES - MAX_HELD, { label: 'refusals while the database is stalled' });
    expect([...answers.values()].every((a) => a.status === 503)).toBe(true);
    await holder.query('COMMIT');
    released = true;
    await all;

    const accepted = ids.filter((id) => answers.get(id)!.status === 202);
    const refused = ids.filter((id) => answers.get(id)!.status === 503);
    expect(accepted.length + refused.length).toBe(DELIVERIES);
    expect(accepted.length).toBe(MAX_HELD);
    for (const id of refused) {
      const answer = answers.get(id)!;
      expect(answer.headers.get('retry-after')).toBe('7');
      expect(answer.body).toMatchObject({ error: { status: 503, code: 'intake_busy' } });
    }
    const stored = await t.db.selectFrom('tds_webhook_events').select('zoho_id').execute();
    expect(stored.map((r) => r.zoho_id).sort()).toEqual([...accepted].sort());
    const queued = await t.db.selectFrom('tds_sync_queue').select('zoho_id').execute();
    expect(queued.map((r) => r.zoho_id).sort()).toEqual([...accepted].sort());

    // Once the database keeps up again, a refused delivery sent again is stored.
    expect((await deliver(refused[0])).status).toBe(202);
  } finally {
    if (!released) await holder.query('ROLLBACK').catch(() => {});
    holder.release();
  }
});
