import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listConsumers, resetConsumer, type Change, type Subscription } from '../src/changes';
import { changesEnv } from '../src/changes/changes-env';
import { ChangesWebhookConfigError, createCoreChanges } from '../src/changes/core-changes';
import { CHANGES_WEBHOOK_CONSUMER, startChangesWebhook } from '../src/changes/webhook/changes-webhook';
import { signWebhook, webhookKeyOf } from '../src/changes/webhook/sign-webhook';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { waitFor } from './helpers/wait-for';

// The outgoing change webhook (docs/change-feed.md, "Outgoing webhook"), checked with the Standard
// Webhooks reference implementation (the standardwebhooks package) on a real receiver.

let t: TestDatabase;
const secret = `whsec_${randomBytes(32).toString('base64')}`;
let webhook: Subscription | undefined;
const servers: Server[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
});
afterEach(async () => {
  await webhook?.stop();
  webhook = undefined;
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});
afterAll(async () => {
  await t?.close();
});

interface Delivery {
  headers: Record<string, string>;
  body: string;
}

const bodyOf = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => resolve(body));
  });

/** A receiver on 127.0.0.1 answering `status()` to each POST; every request is recorded. */
async function receiver(status: (attempt: number) => number, port = 0): Promise<{ url: string; port: number; requests: Delivery[]; server: Server }> {
  const requests: Delivery[] = [];
  const server = createServer(async (request, response) => {
    const body = await bodyOf(request);
    requests.push({ headers: request.headers as Record<string, string>, body });
    response.writeHead(status(requests.length)).end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${bound}/hooks/tds?token=abc`, port: bound, requests, server };
}

async function writeProducts(prefix: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  for (const id of ids) await sql`INSERT INTO products (zoho_item_id, name) VALUES (${id}, 'p')`.execute(t.db);
  return ids;
}

const fast = { pollIntervalMs: 50, retry: { initialDelayMs: 20, maxDelayMs: 150 } };

describe('signature', () => {
  it('matches the reference implementation, which verifies every delivery', async () => {
    const reference = new Webhook(secret);
    const body = '{"type":"tds.changes","data":{"cursor":"1","changes":[]}}';
    const at = new Date(1_750_000_000_000);
    expect(signWebhook(webhookKeyOf(secret), 'msg_1', 1_750_000_000, body)).toBe(reference.sign('msg_1', at, body));

    await resetConsumer(t.db, CHANGES_WEBHOOK_CONSUMER);
    const hook = await receiver(() => 204);
    webhook = startChangesWebhook({ db: t.db, pool: t.pool, url: hook.url, secret, ...fast });
    const ids = await writeProducts('signed', 3);
    await waitFor(() => hook.requests.flatMap((r) => (JSON.parse(r.body) as { data: { changes: Change[] } }).data.changes).length >= 3, { label: 'three changes delivered' });
    for (const delivery of hook.requests) {
      const verified = reference.verify(delivery.body, delivery.headers) as { type: string; data: { changes: Change[] } };
      expect(verified.type).toBe('tds.changes');
      expect(delivery.headers['content-type']).toBe('application/json');
    }
    expect(hook.requests.flatMap((r) => (JSON.parse(r.body) as { data: { changes: Change[] } }).data.changes.map((c) => c.zoho_id))).toEqual(ids);
    // A tampered body or another secret does not verify.
    const [first] = hook.requests;
    expect(() => reference.verify(first.body.replace('signed-0', 'signed-9'), first.headers)).toThrow();
    expect(() => new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(first.body, first.headers)).toThrow();
  });
});

describe('a receiver that is down for a while', () => {
  it('gets every batch in cursor order once it is back: refused connections, then 503s, then 200', { timeout: 60_000 }, async () => {
    await resetConsumer(t.db, CHANGES_WEBHOOK_CONSUMER);
    // A port that nothing listens on yet: connections are refused.
    const probe = await receiver(() => 200);
    const port = probe.port;
    await new Promise((resolve) => probe.server.close(resolve));
    servers.splice(servers.indexOf(probe.server), 1);

    webhook = startChangesWebhook({ db: t.db, pool: t.pool, url: `http://127.0.0.1:${port}/hooks/tds?token=abc`, secret, batchSize: 4, ...fast });
    const ids = await writeProducts('down', 10);
    await waitFor(async () => ((await listConsumers(t.db)).find((c) => c.name === CHANGES_WEBHOOK_CONSUMER)?.failures ?? 0) >= 3, { label: 'three refused deliveries' });
    const [status] = (await listConsumers(t.db)).filter((c) => c.name === CHANGES_WEBHOOK_CONSUMER);
    expect(status.last_error).toMatch(/could not be reached/);
    expect(status.last_error).not.toContain('token=abc');
    expect(status.lag).toBeGreaterThanOrEqual(10);

    // Back, but failing: 503 to the first five requests, then accepting.
    const hook = await receiver((n) => (n <= 5 ? 503 : 200), port);
    const more = await writeProducts('down-more', 3);
    const accepted = () => hook.requests.filter((_, i) => i >= 5);
    await waitFor(() => accepted().flatMap((r) => (JSON.parse(r.body) as { data: { changes: Change[] } }).data.changes).length >= 13, { timeoutMs: 30_000, label: 'all 13 changes accepted' });

    const reference = new Webhook(secret);
    for (const delivery of hook.requests) reference.verify(delivery.body, delivery.headers);
    // The refused attempts were the first batch again and again: same webhook-id, same body.
    expect(new Set(hook.requests.slice(0, 6).map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(new Set(hook.requests.slice(0, 6).map((r) => r.body)).size).toBe(1);
    const delivered = accepted().flatMap((r) => (JSON.parse(r.body) as { data: { changes: Change[] } }).data.changes);
    expect(delivered.map((c) => c.zoho_id)).toEqual([...ids, ...more]);
    const cursors = delivered.map((c) => BigInt(c.id));
    expect(cursors.every((id, i) => i === 0 || id > cursors[i - 1])).toBe(true);
    await waitFor(async () => (await listConsumers(t.db)).find((c) => c.name === CHANGES_WEBHOOK_CONSUMER)?.lag === 0, { label: 'webhook consumer caught up' });
  });
});

describe('as createTdsCore wires it', () => {
  it('reports its delivery status for health, never with the URL, and refuses to start without a secret', async () => {
    await resetConsumer(t.db, CHANGES_WEBHOOK_CONSUMER);
    const hook = await receiver((n) => (n <= 2 ? 500 : 200));
    const logger = { debug() {}, info() {}, warn() {}, error() {} };
    const unsigned = createCoreChanges({ db: t.db, pool: t.pool, logger, config: { TDS_CHANGES_WEBHOOK_URL: hook.url } });
    expect(() => unsigned.startWebhook()).toThrow(ChangesWebhookConfigError);
    expect(await createCoreChanges({ db: t.db, pool: t.pool, logger, config: {} }).healthFields()).toEqual({});

    const wired = createCoreChanges({ db: t.db, pool: t.pool, logger, config: { TDS_CHANGES_WEBHOOK_URL: hook.url, TDS_CHANGES_WEBHOOK_SECRET: secret } });
    wired.startWebhook();
    try {
      await writeProducts('health', 2);
      await waitFor(async () => ((await wired.healthFields()).change_webhook as { failures: number }).failures >= 1, { label: 'a failed delivery in health' });
      const failing = (await wired.healthFields()).change_webhook as Record<string, unknown>;
      expect(failing.last_error).toBe('Error: the change webhook receiver answered HTTP 500');
      expect(JSON.stringify(failing)).not.toContain('token=abc');
      await waitFor(async () => ((await wired.healthFields()).change_webhook as { lag: number; failures: number }).lag === 0, { label: 'caught up' });
      expect((await wired.healthFields()).change_webhook).toMatchObject({ failures: 0, last_error: null, lag: 0 });
    } finally {
      await wired.stop();
    }
  });
});

describe('configuration', () => {
  it('takes a whsec_ secret and a retention in days, and refuses anything else clearly', () => {
    expect(changesEnv.TDS_CHANGES_WEBHOOK_SECRET.parse(secret)).toBe(secret);
    expect(changesEnv.TDS_CHANGES_WEBHOOK_SECRET.safeParse('not-a-secret').error?.issues[0].message).toMatch(/whsec_/);
    expect(changesEnv.TDS_CHANGES_RETENTION_DAYS.parse(undefined)).toBe(7);
    expect(changesEnv.TDS_CHANGES_RETENTION_DAYS.parse('30')).toBe(30);
    expect(changesEnv.TDS_CHANGES_RETENTION_DAYS.safeParse('0').success).toBe(false);
  });
});
