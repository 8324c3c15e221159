import { signZohoWebhook } from '@tsh/zoho-client';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookDelivery } from '../src/core/types';
import { createWebhookIngestor, ingestWebhook, type WebhookIngestDeps } from '../src/webhooks';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// The intake sends its record locks and its inbox rows as statements without parameters, the
// values as hex literals (src/webhooks/hex-literal.ts, docs/intake-profile.md): whatever a record
// id or a query value holds is stored as it came, and never read as SQL.

const SECRET = 'whsecret0123456789abcdef';
let t: TestDatabase;
let deps: WebhookIngestDeps;

beforeAll(async () => {
  t = await createTestDatabase();
  deps = { db: t.db, secret: SECRET };
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE tds_webhook_events, tds_sync_queue RESTART IDENTITY`.execute(t.db);
});

function signed(itemId: string, query: Record<string, string> = {}): WebhookDelivery {
  const rawBody = Buffer.from(JSON.stringify({ item: { item_id: itemId, name: `Item ${itemId}`, last_modified_time: '2025-06-03T14:22:47+0300' } }), 'utf8');
  const contentType = 'application/json';
  return { entity: 'products', method: 'POST', query, rawBody, contentType, signature: signZohoWebhook({ secret: SECRET, query, rawBody, contentType }) };
}

const AWKWARD_IDS = [
  "48'15",
  '48\\15',
  "4815'); DROP TABLE tds_webhook_events; --",
  '$$4815$$',
  'E\'\\x27\'',
  'راوتر-4815',
  '4815-🙂',
  '{4815,"x"}',
];

describe('values sent as literals', () => {
  it('stores awkward record ids and query values exactly, each once, and a repeat of each is a duplicate', async () => {
    const query = { note: "it's \\ 'quoted' $$ {a,b} \"x\"", event: 'updated' };
    const first = await Promise.all(AWKWARD_IDS.map((id) => ingestWebhook(deps, signed(id, query))));
    expect(first.map((r) => r.status)).toEqual(AWKWARD_IDS.map(() => 'accepted'));

    const inbox = await t.db.selectFrom('tds_webhook_events').select(['id', 'zoho_id', 'query', 'queue_item_id']).orderBy('zoho_id').execute();
    expect(inbox).toHaveLength(AWKWARD_IDS.length);
    expect(new Set(inbox.map((r) => r.zoho_id))).toEqual(new Set(AWKWARD_IDS));
    for (const row of inbox) expect(row.query).toEqual(query);
    const queued = await t.db.selectFrom('tds_sync_queue').select(['id', 'zoho_id']).execute();
    expect(new Set(queued.map((q) => q.zoho_id))).toEqual(new Set(AWKWARD_IDS));
    // Each inbox row names the queue item of its own record.
    for (const row of inbox) expect(queued.find((q) => q.id === row.queue_item_id)?.zoho_id).toBe(row.zoho_id);

    const again = await Promise.all(AWKWARD_IDS.map((id) => ingestWebhook(deps, signed(id, query))));
    expect(again).toEqual(first.map((r) => ({ ...r, status: 'duplicate' })));
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM tds_webhook_events`.execute(t.db);
    expect(rows[0].n).toBe(AWKWARD_IDS.length);
  });

  it('decides copies of one awkward record arriving together one after the other: one row, the rest duplicates', async () => {
    // Rounds of different batch sizes and writer counts, so copies meet in different transactions at once.
    for (let round = 1; round <= 8; round++) {
      await sql`TRUNCATE tds_webhook_events, tds_sync_queue RESTART IDENTITY`.execute(t.db);
      const ingestor = createWebhookIngestor({ ...deps, batch: { maxConcurrent: 2 + (round % 3), maxBatch: 1 + (round % 4) } });
      const copies = 6 + round;
      const results = await Promise.all(Array.from({ length: copies }, () => ingestor.ingest(signed(AWKWARD_IDS[round % AWKWARD_IDS.length]!))));
      expect({ round, accepted: results.filter((r) => r.status === 'accepted').length }).toEqual({ round, accepted: 1 });
      const { rows } = await sql<{ events: number; queue: number }>`
        SELECT (SELECT count(*)::int FROM tds_webhook_events) AS events, (SELECT count(*)::int FROM tds_sync_queue) AS queue`.execute(t.db);
      expect({ round, ...rows[0] }).toEqual({ round, events: 1, queue: 1 });
    }
  });

  // A lone UTF-16 surrogate (JSON allows "\ud800") cannot be stored as UTF-8: an id is stored with
  // U+FFFD in its place. A record kept in the queue is refused (422, its payload holds the id), but a
  // delivery past the kept size on a route whose records are fetched from Zoho stores the id alone.
  // The intake must decide repeats by the id as stored, or a re-sent copy is stored again.
  it('decides a re-sent large delivery whose id holds a lone surrogate as a duplicate, stored once under the id as PostgreSQL keeps it', async () => {
    const ingestor = createWebhookIngestor(deps);
    const body = Buffer.from(JSON.stringify({ item: { item_id: '4815-\ud800-x', description: 'y'.repeat(1.1 * 1024 * 1024), last_modified_time: '2025-06-03T14:22:47+0300' } }));
    const contentType = 'application/json';
    const send = () => {
      const signature = signZohoWebhook({ secret: SECRET, query: {}, rawBody: body, contentType });
      return ingestor.ingestStream({ entity: 'stock', method: 'POST', query: {}, contentType, signature, body: (async function* () { yield body; })() });
    };
    const first = await send();
    expect(first.status).toBe('accepted');
    expect(await send()).toEqual({ ...first, status: 'duplicate' });
    const inbox = await t.db.selectFrom('tds_webhook_events').select(['zoho_id']).execute();
    expect(inbox).toEqual([{ zoho_id: '4815-\ufffd-x' }]);
    const queued = await t.db.selectFrom('tds_sync_queue').select(['zoho_id']).execute();
    expect(queued).toEqual([{ zoho_id: '4815-\ufffd-x' }]);
  });
});
