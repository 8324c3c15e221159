import { signZohoWebhook } from '@tsh/zoho-client';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebhookRejectedError, type WebhookDelivery, type WebhookStreamDelivery } from '../src/core/types';
import { createWebhookIngestor, WebhookConfigError } from '../src/webhooks';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// TDS_WEBHOOK_AUTH=token: the shared token the Zoho webhook sends as a custom header or query
// parameter, for deliveries without a signature; hmac stays the default (docs/security.md).

const TOKEN = 'tds-webhook-token-7c2f0a9e41d8b5c3e6f1a2b4';
const SECRET = 'whsecret0123456789abcdef';

let t: TestDatabase;
const logs: string[] = [];
const logger = {
  debug: (o: object, m?: string) => logs.push(JSON.stringify([o, m])),
  info: (o: object, m?: string) => logs.push(JSON.stringify([o, m])),
  warn: (o: object, m?: string) => logs.push(JSON.stringify([o, m])),
  error: (o: object, m?: string) => logs.push(JSON.stringify([o, m])),
};

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  logs.length = 0;
  await sql`TRUNCATE tds_webhook_events, tds_sync_queue RESTART IDENTITY`.execute(t.db);
});

const item = (id: string) => ({ item: { item_id: id, name: 'Cable', rate: '12.50', last_modified_time: '2025-06-03T14:22:47+0300' } });

function delivery(over: Partial<WebhookDelivery> & { body?: unknown } = {}): WebhookDelivery {
  const { body, ...rest } = over;
  return {
    entity: 'products',
    method: 'POST',
    query: {},
    rawBody: Buffer.from(JSON.stringify(body ?? item('4815000000044208'))),
    contentType: 'application/json',
    signature: undefined,
    ...rest,
  };
}

async function stored() {
  const { rows } = await sql<{ query: Record<string, unknown>; zoho_id: string }>`SELECT query, zoho_id FROM tds_webhook_events ORDER BY id`.execute(t.db);
  const queue = await sql<{ n: number }>`SELECT count(*)::int AS n FROM tds_sync_queue`.execute(t.db);
  return { events: rows, queue: queue.rows[0]!.n };
}

async function refusal(promise: Promise<unknown>): Promise<WebhookRejectedError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WebhookRejectedError) return error;
    throw error;
  }
  throw new Error('the delivery was accepted');
}

describe('token mode', () => {
  const ingestor = () => createWebhookIngestor({ db: t.db, secret: '', auth: 'token', token: TOKEN, logger });

  it('accepts an unsigned delivery carrying the token in the X-TDS-Webhook-Token header or the tds_token query parameter', async () => {
    const webhooks = ingestor();
    expect((await webhooks.ingest(delivery({ token: TOKEN }))).status).toBe('accepted');
    const viaQuery = delivery({ query: { tds_token: TOKEN, source: 'zoho' }, body: item('4815000000044209') });
    expect((await webhooks.ingest(viaQuery)).status).toBe('accepted');
    const { events, queue } = await stored();
    expect(events.map((e) => e.zoho_id)).toEqual(['4815000000044208', '4815000000044209']);
    expect(queue).toBe(2);
    // The token is stripped from the stored query; the other parameters stay.
    expect(events[1]!.query).toEqual({ source: 'zoho' });
    expect(JSON.stringify(events)).not.toContain(TOKEN);
    expect(logs.join('\n')).not.toContain(TOKEN);
  });

  it.each([
    ['no token', {}, 'missing_token'],
    ['a wrong header token', { token: `${TOKEN.slice(0, -1)}x` }, 'invalid_token'],
    ['a wrong query token', { query: { tds_token: 'guess' } }, 'invalid_token'],
    ['a signature but no token', { signature: 'a'.repeat(64) }, 'missing_token'],
  ])('refuses %s with 401 and stores nothing', async (_name, over, code) => {
    const error = await refusal(ingestor().ingest(delivery(over as Partial<WebhookDelivery>)));
    expect({ status: error.status, code: error.code }).toEqual({ status: 401, code });
    expect(await stored()).toEqual({ events: [], queue: 0 });
    expect(logs.join('\n')).not.toContain(TOKEN);
  });

  it('checks the token on a large streamed price-book delivery too, and strips it from the stored query', async () => {
    const pricebook = { pricebook: { pricebook_id: '4815000000099001', name: 'Big', pricebook_items: Array.from({ length: 30_000 }, (_, i) => ({ item_id: String(4815000000100000 + i), pricebook_rate: '1.25' })) } };
    const raw = Buffer.from(JSON.stringify(pricebook));
    expect(raw.length).toBeGreaterThan(1024 * 1024);
    const streamed = (over: Partial<WebhookStreamDelivery>): WebhookStreamDelivery => ({
      entity: 'pricelists',
      method: 'POST',
      query: {},
      contentType: 'application/json',
      signature: undefined,
      body: (async function* () {
        for (let at = 0; at < raw.length; at += 64 * 1024) yield raw.subarray(at, at + 64 * 1024);
      })(),
      ...over,
    });
    const wrong = await refusal(ingestor().ingestStream(streamed({ query: { tds_token: 'nope' } })));
    expect({ status: wrong.status, code: wrong.code }).toEqual({ status: 401, code: 'invalid_token' });
    expect((await stored()).events).toEqual([]);
    expect((await ingestor().ingestStream(streamed({ query: { tds_token: TOKEN } }))).status).toBe('accepted');
    const { events } = await stored();
    expect(events).toEqual([{ query: {}, zoho_id: '4815000000099001' }]);
  });

  it('refuses to start without a token of at least 32 characters', () => {
    expect(() => createWebhookIngestor({ db: t.db, secret: SECRET, auth: 'token' })).toThrow(WebhookConfigError);
    expect(() => createWebhookIngestor({ db: t.db, secret: SECRET, auth: 'token', token: 'short' })).toThrow(/at least 32 characters/);
  });
});

describe('hmac mode (the default) is unchanged', () => {
  const ingestor = () => createWebhookIngestor({ db: t.db, secret: SECRET, logger });

  it('refuses an unsigned delivery even with the right token, and accepts a signed one', async () => {
    const error = await refusal(ingestor().ingest(delivery({ token: TOKEN, query: { tds_token: TOKEN } })));
    expect({ status: error.status, code: error.code }).toEqual({ status: 401, code: 'missing_signature' });
    const query = { source: 'zoho' };
    const rawBody = Buffer.from(JSON.stringify(item('4815000000044210')));
    const signature = signZohoWebhook({ secret: SECRET, query, rawBody, contentType: 'application/json' });
    expect((await ingestor().ingest(delivery({ query, rawBody, signature }))).status).toBe('accepted');
    expect((await stored()).events).toEqual([{ query, zoho_id: '4815000000044210' }]);
  });
});
