import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createZohoClient, ZohoAbortedError } from '@tsh/zoho-client';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSyncHandlers } from '../src/handlers';
import { enqueue } from '../src/queue';
import { createWorkerPool, type WorkerPool } from '../src/workers';
import { createPostgresRateLimiter } from '../src/zoho-access';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { waitFor } from './helpers/wait-for';

/**
 * A Zoho on 127.0.0.1 whose API never answers: the token endpoint works, every API request hangs.
 * It tracks which requests are still open, i.e. which the client has not cancelled.
 */
async function startSilentZoho() {
  const open = new Set<IncomingMessage>();
  const received: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/oauth/v2/token')) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ access_token: 'live-token', expires_in: 3600, token_type: 'Bearer' }));
      return;
    }
    received.push(new URL(req.url ?? '/', 'http://x').pathname);
    open.add(req);
    res.on('close', () => open.delete(req)); // the client closed the connection: it gave up on us
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    open,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let t: TestDatabase;
let zoho: Awaited<ReturnType<typeof startSilentZoho>>;
const pools: WorkerPool[] = [];

beforeAll(async () => {
  [t, zoho] = await Promise.all([createTestDatabase(), startSilentZoho()]);
});
afterAll(async () => {
  await Promise.all([t?.close(), zoho?.close()]);
});
beforeEach(async () => {
  await sql`TRUNCATE tds_sync_queue, tds_dead_letter_queue, tds_workers RESTART IDENTITY`.execute(t.db);
  zoho.received.length = 0;
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.stop({ graceMs: 0 })));
});

function client() {
  // The client's own per-attempt timeout (30 s) is far beyond the handler deadline: only the
  // deadline's AbortSignal can end these requests within the test.
  return createZohoClient({ organizationId: '60000000001', credentials: { clientId: 'id', clientSecret: 'secret-xyz', refreshToken: 'refresh-xyz' }, accountsUrl: zoho.url, apiUrl: zoho.url });
}

async function startPool(): Promise<WorkerPool> {
  const handlers = createSyncHandlers({ db: t.db, zoho: client() });
  const pool = createWorkerPool({ db: t.db, pool: t.pool, handlers, pollIntervalMs: 20, leaseSeconds: 30, handlerTimeoutMs: 1_000, concurrency: 1,
    // A retry waits an hour, so whatever is open after the first deadline belongs to the first attempt.
    backoff: { baseSeconds: 3600, maxSeconds: 3600, jitter: 0 },
  });
  pools.push(pool);
  await pool.start();
  return pool;
}

describe('handler deadline cancels its Zoho requests (docs/zoho-client-robustness.md)', () => {
  for (const [entity, endpoint] of [
    ['customers', '/books/v3/contacts/4000000000077'],
    ['stock', '/inventory/v1/itemdetails'],
  ] as const) {
    it(`${entity}: the request is aborted at the deadline, the item goes back for a retry, nothing keeps running`, async () => {
      const pool = await startPool();
      const { id } = await enqueue(t.db, { entity_type: entity, zoho_id: '4000000000077' });
      await waitFor(() => zoho.received.length > 0, { label: 'the handler asked Zoho' });
      const item = await waitFor(
        async () => {
          const row = await t.db.selectFrom('tds_sync_queue').selectAll().where('id', '=', id).executeTakeFirst();
          return row?.status === 'pending' && row.retry_count > 0 ? row : undefined;
        },
        { label: 'the item released for a retry' },
      );
      expect(item.last_error).toMatch(/did not finish within 1000 ms/);
      expect(item.locked_by).toBeNull();
      expect(zoho.received).toEqual([endpoint]);
      // The request the handler started was cancelled by the client (the server saw its connection
      // close), long before the client's own 30 s timeout, with the pool still running.
      await waitFor(() => zoho.open.size === 0, { label: 'every Zoho request closed by the client', timeoutMs: 5_000 });
      expect(pool.status().state).toBe('running');
    });
  }
});

describe('PostgreSQL rate limiter and AbortSignal', () => {
  it('a caller waiting for a slot stops waiting when its signal aborts, and its work never runs', async () => {
    const limiter = createPostgresRateLimiter({ db: t.db, organizationId: `abort-${Date.now()}`, requestsPerMinute: 1, windowMs: 3_600_000 });
    expect(await limiter.schedule(async () => 'first')).toBe('first'); // the hour's only slot
    const controller = new AbortController();
    let ran = false;
    const waiting = limiter
      .schedule(async () => {
        ran = true;
      }, { signal: controller.signal })
      .then(
        () => 'resolved',
        (error: unknown) => error,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort(new ZohoAbortedError('/books/v3/items', 'deadline'));
    expect(await waiting).toBeInstanceOf(ZohoAbortedError); // without the abort: an hour's wait
    expect(ran).toBe(false);
  });
});
