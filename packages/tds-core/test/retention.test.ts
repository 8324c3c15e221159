import { signZohoWebhook } from '@tsh/zoho-client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealer } from '../src/healer';
import { createWebhookIngestor } from '../src/webhooks';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// Retention (docs/hardening.md): the healer drops old bookkeeping in bounded batches while the
// hot path (webhook intake) keeps working. Statements are observed as PostgreSQL ran them.

const SECRET = 'whsecret0123456789abcdef';
const OLD_QUEUE = 100_000;
const OLD_INBOX = 12_000;
const OLD_HEAL = 3_500;
const OLD_ALERTS = 1_200;
const BATCH = 1000;

let t: TestDatabase;
// Every statement's text and the rows it changed, in completion order.
const events: Array<{ kind: 'purge' | 'intake'; table: string; rows: number }> = [];

beforeAll(async () => {
  t = await createTestDatabase();
  await sql`
INSERT INTO tds_sync_queue (entity_type, zoho_id, status, created_at, completed_at)
SELECT 'products', 'old-' || i, 'completed', now() - interval '12 days', now() - interval '10 days' - i * interval '1 second'
FROM generate_series(1, ${OLD_QUEUE}) i`.execute(t.db);
  // Kept: recent completions, and old items that are not completed.
  await sql`
INSERT INTO tds_sync_queue (entity_type, zoho_id, status, created_at, completed_at)
SELECT 'products', 'recent-' || i, 'completed', now() - interval '2 days', now() - interval '1 day' FROM generate_series(1, 50) i`.execute(t.db);
  await sql`
INSERT INTO tds_sync_queue (entity_type, zoho_id, status, created_at, run_after)
SELECT 'customers', 'waiting-' || i, 'pending', now() - interval '20 days', now() + interval '1 day' FROM generate_series(1, 30) i`.execute(t.db);
  await sql`
INSERT INTO tds_webhook_events (received_at, entity, zoho_id, method, event, payload_hash, signature_ok)
SELECT now() - interval '8 days' - i * interval '1 second', 'products', 'inbox-' || i, 'POST', 'upsert', md5(i::text), true FROM generate_series(1, ${OLD_INBOX}) i`.execute(t.db);
  await sql`
INSERT INTO tds_webhook_events (received_at, entity, zoho_id, method, event, payload_hash, signature_ok)
SELECT now() - interval '6 days', 'products', 'inbox-recent-' || i, 'POST', 'upsert', md5(i::text), true FROM generate_series(1, 40) i`.execute(t.db);
  await sql`
INSERT INTO tds_heal_log (action, outcome, details, created_at)
SELECT 'clear_stuck_locks', 'noop', '{}'::jsonb, now() - interval '31 days' - i * interval '1 second' FROM generate_series(1, ${OLD_HEAL}) i`.execute(t.db);
  await sql`
INSERT INTO tds_alerts (level, code, message, created_at, resolved_at)
SELECT 'warning', 'old_alert_' || i, 'resolved long ago', now() - interval '40 days', now() - interval '35 days' FROM generate_series(1, ${OLD_ALERTS}) i`.execute(t.db);
  // Kept: an old alert still open, and one resolved recently.
  await sql`
INSERT INTO tds_alerts (level, code, message, created_at, resolved_at) VALUES
  ('critical', 'still_open', 'open since long ago', now() - interval '60 days', NULL),
  ('warning', 'resolved_recently', 'resolved last week', now() - interval '60 days', now() - interval '7 days')`.execute(t.db);
  await sql`ANALYZE`.execute(t.db);
});
afterAll(async () => {
  await t?.close();
});

function observed(db: TestDatabase['db']) {
  const texts = new Map<unknown, string>();
  return db.withPlugin({
    transformQuery(args) {
      const node = args.node as { kind: string; sqlFragments?: readonly string[]; parameters?: readonly unknown[] };
      const text = node.kind === 'RawNode' ? (node.sqlFragments ?? []).join('?') : node.kind;
      // purgeInBatches: DELETE FROM <table> WHERE id IN (<select>), the table a nested node.
      const table = text.startsWith('DELETE FROM ?') ? /"name":"(tds_\w+)"/.exec(JSON.stringify(node.parameters?.[0]))?.[1] : undefined;
      texts.set(args.queryId, table ? `purge ${table}` : text);
      return args.node;
    },
    async transformResult(args) {
      const text = texts.get(args.queryId) ?? '';
      texts.delete(args.queryId);
      const rows = Number(args.result.numAffectedRows ?? 0n);
      if (text.startsWith('purge ')) events.push({ kind: 'purge', table: text.slice('purge '.length), rows });
      // The intake's inbox insert goes with its COMMIT, as one statement text (webhooks/locked-transaction.ts).
      else if (text.startsWith('INSERT INTO tds_webhook_events')) events.push({ kind: 'intake', table: 'insert', rows });
      return args.result;
    },
  });
}

function delivery(n: number) {
  const rawBody = Buffer.from(JSON.stringify({ item: { item_id: String(5_000_000 + n), name: `During purge ${n}`, last_modified_time: '2025-06-03T14:22:47+0300' } }));
  const contentType = 'application/json';
  return { entity: 'products', method: 'POST', query: {}, rawBody, contentType, signature: signZohoWebhook({ secret: SECRET, query: {}, rawBody, contentType }) };
}

describe('healer retention', () => {
  it('purges 100 000+ old rows in batches of at most 1000 while webhooks keep being stored, and reports what it purged', async () => {
    const db = observed(t.db);
    const healer = createHealer({ db, organizationId: '1', options: { retention: { batchSize: BATCH, maxBatches: 500, pauseMs: 5 } } });
    const ingestor = createWebhookIngestor({ db, secret: SECRET });

    let purgeDone = false;
    const run = healer.runOnce().finally(() => (purgeDone = true));
    const stored: string[] = [];
    let n = 0;
    while (!purgeDone) {
      const result = await ingestor.ingest(delivery(n++));
      expect(result.status).toBe('accepted');
      stored.push(result.eventId);
    }
    const result = await run;

    expect(result.purged).toEqual({ queue_items: OLD_QUEUE, webhook_events: OLD_INBOX, heal_log: OLD_HEAL, alerts: OLD_ALERTS });

    const purges = events.filter((e) => e.kind === 'purge');
    expect(Math.max(...purges.map((e) => e.rows))).toBe(BATCH);
    const statements = (table: string) => purges.filter((e) => e.table === table).length;
    // Full batches, then one short one that tells the purge it is done.
    expect(statements('tds_sync_queue')).toBe(OLD_QUEUE / BATCH + 1);
    expect(statements('tds_webhook_events')).toBe(Math.ceil(OLD_INBOX / BATCH) + (OLD_INBOX % BATCH === 0 ? 1 : 0));
    expect(statements('tds_heal_log')).toBe(Math.ceil(OLD_HEAL / BATCH));
    expect(statements('tds_alerts')).toBe(Math.ceil(OLD_ALERTS / BATCH));

    // Webhooks were stored between the purge's statements, not only before or after it.
    const first = events.findIndex((e) => e.kind === 'purge');
    const last = events.length - 1 - [...events].reverse().findIndex((e) => e.kind === 'purge');
    expect(events.slice(first, last).filter((e) => e.kind === 'intake').length).toBeGreaterThan(0);
    expect(stored.length).toBeGreaterThan(0);

    const left = await sql<{ queue: string[]; inbox: number; during: number; heal_old: number; alerts: string[] }>`
SELECT
  (SELECT array_agg(DISTINCT split_part(zoho_id, '-', 1) ORDER BY split_part(zoho_id, '-', 1)) FROM tds_sync_queue WHERE zoho_id NOT LIKE '5%') AS queue,
  (SELECT count(*)::int FROM tds_webhook_events WHERE zoho_id LIKE 'inbox-%') AS inbox,
  (SELECT count(*)::int FROM tds_webhook_events WHERE id = ANY(${stored}::bigint[])) AS during,
  (SELECT count(*)::int FROM tds_heal_log WHERE created_at < now() - interval '30 days') AS heal_old,
  (SELECT array_agg(code ORDER BY code) FROM tds_alerts) AS alerts`.execute(t.db);
    expect(left.rows[0]).toEqual({ queue: ['recent', 'waiting'], inbox: 40, during: stored.length, heal_old: 0, alerts: ['resolved_recently', 'still_open'] });

    // A second run finds nothing more to do.
    const again = await healer.runOnce();
    expect(again.purged).toEqual({ queue_items: 0, webhook_events: 0, heal_log: 0, alerts: 0 });
  });

  it('keeps rows for as long as configured, and refuses nonsense ages', async () => {
    expect(() => createHealer({ db: t.db, organizationId: '1', options: { retention: { queueDays: 0 } } })).toThrow(/retention.queueDays/);
    expect(() => createHealer({ db: t.db, organizationId: '1', options: { retention: { batchSize: 2.5 } } })).toThrow(/retention.batchSize/);
    await sql`
INSERT INTO tds_sync_queue (entity_type, zoho_id, status, created_at, completed_at)
VALUES ('products', 'ten-days', 'completed', now() - interval '11 days', now() - interval '10 days')`.execute(t.db);
    const keepLonger = createHealer({ db: t.db, organizationId: '1', options: { retention: { queueDays: 14, pauseMs: 0 } } });
    expect((await keepLonger.runOnce()).purged).toMatchObject({ queue_items: 0 });
    const keepShorter = createHealer({ db: t.db, organizationId: '1', options: { retention: { queueDays: 9, pauseMs: 0 } } });
    expect((await keepShorter.runOnce()).purged).toMatchObject({ queue_items: 1 });
  });
});
