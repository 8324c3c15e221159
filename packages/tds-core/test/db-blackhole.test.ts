import { signZohoWebhook } from '@tsh/zoho-client';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, migrate, type DatabaseTimeouts, type LoggerLike, type TdsDatabase } from '../src/db';
import { enqueue } from '../src/queue/enqueue';
import { createWebhookIngestor, WebhookBusyError } from '../src/webhooks';
import { createWorkerPool } from '../src/workers/create-worker-pool';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { waitFor } from './helpers/wait-for';

// A PostgreSQL that stops answering without closing its sockets, produced for real: a TCP proxy
// on 127.0.0.1 in front of the test server stops forwarding (docs/hardening.md).

const SECRET = 'whsecret0123456789abcdef';
const FAST: DatabaseTimeouts = { connectMs: 1000, stallMs: 600, statementMs: 20_000, idleInTransactionMs: 20_000, keepAliveDelayMs: 1000 };

let t: TestDatabase;
let proxy: TcpProxy;
const opened: TdsDatabase[] = [];

function recordingLogger(): LoggerLike & { lines: string[] } {
  const lines: string[] = [];
  const log = (_obj: unknown, msg?: string) => void lines.push(String(msg));
  return { lines, debug: log, info: log, warn: log, error: log } as LoggerLike & { lines: string[] };
}

async function open(url: string, timeouts: DatabaseTimeouts, logger?: LoggerLike, maxConnections = 6): Promise<TdsDatabase> {
  const database = await createDatabase({ url, timeouts, logger, maxConnections });
  opened.push(database);
  return database;
}

function delivery(zohoId: string) {
  const rawBody = Buffer.from(JSON.stringify({ item: { item_id: zohoId, name: `Item ${zohoId}`, last_modified_time: '2025-06-03T14:22:47+0300' } }));
  const contentType = 'application/json';
  return { entity: 'products', method: 'POST', query: {}, rawBody, contentType, signature: signZohoWebhook({ secret: SECRET, query: {}, rawBody, contentType }) };
}

beforeAll(async () => {
  t = await createTestDatabase();
  proxy = await startTcpProxy(t.url);
});
afterEach(() => proxy.restore());
afterAll(async () => {
  proxy?.restore();
  for (const database of opened) await database.close().catch(() => {});
  await proxy?.close();
  await t?.close();
});

describe('a database that stops answering (blackholed proxy)', () => {
  it('pool.connect() fails with a timeout instead of hanging, and connects again once the server answers', async () => {
    const d = await open(proxy.url, FAST);
    proxy.blackhole();
    await expect(d.pool.connect()).rejects.toThrow(/timeout/i);
    proxy.restore();
    const client = await d.pool.connect();
    try {
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      client.release();
    }
  });

  it('a query on an open connection fails once the server is found unreachable, and the pool recovers', async () => {
    const logger = recordingLogger();
    const d = await open(proxy.url, FAST, logger);
    await sql`SELECT 1`.execute(d.db); // an open, idle connection in the pool
    proxy.blackhole();
    await expect(sql`SELECT 1`.execute(d.db)).rejects.toThrow(/stopped answering|terminated|timeout/i);
    expect(logger.lines).toContain('database stopped answering: closing waiting connections');
    proxy.restore();
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(d.db);
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('a statement that legitimately runs past the stall timeout on a live server is left alone', async () => {
    const logger = recordingLogger();
    const d = await open(proxy.url, { ...FAST, stallMs: 200 }, logger);
    const { rows } = await sql<{ done: boolean }>`SELECT true AS done FROM pg_sleep(1.5)`.execute(d.db);
    expect(rows).toEqual([{ done: true }]);
    expect(logger.lines).not.toContain('database stopped answering: closing waiting connections');
  });

  it('webhook intake answers 503 (nothing stored) while blackholed, and stores every re-sent delivery after', async () => {
    const d = await open(proxy.url, FAST);
    const ingestor = createWebhookIngestor({ db: d.db, secret: SECRET, batch: { maxHeld: 5 } });
    expect((await ingestor.ingest(delivery('9000'))).status).toBe('accepted');
    proxy.blackhole();
    const ids = Array.from({ length: 20 }, (_, i) => String(9001 + i));
    const during = await Promise.allSettled(ids.map((id) => ingestor.ingest(delivery(id))));
    for (const outcome of during) {
      expect(outcome.status).toBe('rejected');
      const error = (outcome as PromiseRejectedResult).reason;
      expect(error).toBeInstanceOf(WebhookBusyError);
      expect(error).toMatchObject({ status: 503, retryAfterSeconds: 5 });
    }
    // Past the bound of 5 held deliveries the rest were refused at once, before any write.
    expect(during.filter((o) => (o as PromiseRejectedResult).reason.code === 'intake_busy').length).toBeGreaterThanOrEqual(15);
    proxy.restore();
    const after = [];
    for (const id of ids) after.push(await ingestor.ingest(delivery(id)));
    expect(after.map((r) => r.status)).toEqual(ids.map(() => 'accepted'));
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM tds_webhook_events WHERE zoho_id LIKE '90%'`.execute(t.db);
    expect(rows[0].n).toBe(21);
  });

  it('workers whose claims hang are cut loose, and process new work once the server answers', async () => {
    const logger = recordingLogger();
    const d = await open(proxy.url, FAST, logger, 8);
    const done = new Set<string>();
    const workers = createWorkerPool({
      db: d.db,
      pool: d.pool,
      pollIntervalMs: 50,
      logger,
      handlers: {
        customers: async (items) => {
          for (const item of items) done.add(item.zoho_id);
          return items.map((item) => ({ id: item.id, status: 'completed' as const }));
        },
      },
    });
    await workers.start();
    try {
      await enqueue(t.db, { entity_type: 'customers', zoho_id: 'before' });
      await waitFor(() => done.has('before'), { label: 'item before the blackhole' });
      proxy.blackhole();
      await waitFor(() => logger.lines.includes('database stopped answering: closing waiting connections'), { label: 'stalled claims cut' });
      await enqueue(t.db, { entity_type: 'customers', zoho_id: 'during' });
      proxy.restore();
      await waitFor(() => done.has('during'), { label: 'item enqueued during the blackhole' });
      await enqueue(t.db, { entity_type: 'customers', zoho_id: 'after' });
      await waitFor(() => done.has('after'), { label: 'item after the restore' });
    } finally {
      await workers.stop();
    }
  });
});

describe('server-side limits, and the uses that lift them', () => {
  it('statement_timeout cancels a runaway statement; migrate waits past it for the migration lock and then restores it', async () => {
    const d = await open(t.url, { statementMs: 300 }, undefined, 2);
    await expect(sql`SELECT pg_sleep(3)`.execute(d.db)).rejects.toMatchObject({ code: '57014' });

    const holder = new pg.Client({ connectionString: t.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(7467435392118271)'); // the migration lock (db/migrate.ts)
      const released = new Promise<void>((resolve) => setTimeout(() => void holder.query('SELECT pg_advisory_unlock(7467435392118271)').then(() => resolve()), 1200));
      await expect(migrate(d.db)).resolves.toEqual({ applied: [], pending: [], adoption: null });
      await released;
    } finally {
      await holder.end();
    }
    const clients = await Promise.all([d.pool.connect(), d.pool.connect()]);
    try {
      const shown = await Promise.all(clients.map((c) => c.query<{ statement_timeout: string }>('SHOW statement_timeout')));
      expect(shown.map((r) => r.rows[0].statement_timeout)).toEqual(['300ms', '300ms']);
    } finally {
      for (const c of clients) c.release();
    }
  });

  it('idle_in_transaction_session_timeout ends a transaction left idle, so its locks are freed', async () => {
    const d = await open(t.url, { idleInTransactionMs: 300 }, undefined, 2);
    const stuck = d.db.transaction().execute(async (trx) => {
      await sql`SELECT 1`.execute(trx);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      await sql`SELECT 1`.execute(trx);
    });
    await expect(stuck).rejects.toThrow(/idle-in-transaction|terminat|Connection/i);
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(d.db);
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('rejects timeouts that are not whole milliseconds', async () => {
    await expect(createDatabase({ url: t.url, timeouts: { connectMs: 0 } })).rejects.toThrow(/connectMs/);
    await expect(createDatabase({ url: t.url, timeouts: { statementMs: -1 } })).rejects.toThrow(/statementMs/);
  });
});
