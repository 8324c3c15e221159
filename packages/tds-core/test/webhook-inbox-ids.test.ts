import { signZohoWebhook } from '@tsh/zoho-client';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storeWebhooks, verifyWebhook, type WebhookToStore } from '../src/webhooks';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// The intake's reads draw the inbox ids of a batch up front (store-webhooks.ts), none for a
// delivery that is surely a duplicate: the first of its record in the batch repeating the
// latest row stored. A replay must leave the id sequence as it was.

const SECRET = 'inboxIdsSecret0123456789';
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE tds_webhook_events, tds_sync_queue RESTART IDENTITY`.execute(t.db);
});

function delivery(itemId: string, name: string): WebhookToStore {
  const rawBody = Buffer.from(JSON.stringify({ item: { item_id: itemId, name, last_modified_time: '2025-06-03T14:22:47+0300' } }), 'utf8');
  const contentType = 'application/json';
  const signature = signZohoWebhook({ secret: SECRET, rawBody, contentType });
  return verifyWebhook({ secret: SECRET }, { entity: 'products', method: 'POST', query: {}, rawBody, contentType, signature });
}

async function idsDrawn(run: () => Promise<unknown>): Promise<number> {
  const before = await sql<{ n: string }>`SELECT nextval('tds_webhook_events_id_seq')::text AS n`.execute(t.db);
  await run();
  const after = await sql<{ n: string }>`SELECT nextval('tds_webhook_events_id_seq')::text AS n`.execute(t.db);
  return Number(after.rows[0]!.n) - Number(before.rows[0]!.n) - 1;
}

describe('inbox ids drawn by the intake', () => {
  it('draws none for replays of the latest deliveries, one per row for everything else, in a batch of many records', async () => {
    const first = Array.from({ length: 40 }, (_, i) => delivery(`48150000000${100 + i}`, `v1 ${i}`));
    expect(await idsDrawn(() => storeWebhooks(t.db, first))).toBe(40);

    // Replays of all 40 (each the first of its record in the batch), then for 10 of them a changed
    // copy and, after it, the first version again (A, B, A: stored again).
    const batch = [
      ...first.map((_, i) => delivery(`48150000000${100 + i}`, `v1 ${i}`)),
      ...Array.from({ length: 10 }, (_, i) => delivery(`48150000000${100 + i}`, `v2 ${i}`)),
      ...Array.from({ length: 10 }, (_, i) => delivery(`48150000000${100 + i}`, `v1 ${i}`)),
    ];
    let results: Awaited<ReturnType<typeof storeWebhooks>> = [];
    expect(await idsDrawn(async () => (results = await storeWebhooks(t.db, batch)))).toBe(20);
    expect(results.map((r) => r.status)).toEqual([...Array(40).fill('duplicate'), ...Array(20).fill('accepted')]);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM tds_webhook_events`.execute(t.db);
    expect(rows[0]!.n).toBe(60);
  });
});
