// The server side of the webhook benchmark, in a process of its own so the load generator does not
// share its event loop: `tds` runs the real TDS app (real ingestWebhook on PostgreSQL), `bare` a bare
// Express JSON endpoint, `durable` that bare endpoint with one INSERT of the delivery into PostgreSQL
// before its 2xx (what a user would write instead of TDS for a durable intake). Each in its own
// process, so a CPU profile or the CPU time read from /proc is that of one of them alone. Prints
// "READY <port>" when listening.
import express from 'express';

const role = process.argv[2];
if (role !== 'tds' && role !== 'bare' && role !== 'durable') throw new Error('usage: webhook-server.ts tds|bare|durable');

const close = role === 'tds' ? await serveTdsApp() : role === 'bare' ? await serveBare() : await serveDurable();
process.on('SIGTERM', async () => {
  await close();
  process.exit(0);
});

async function serveTdsApp(): Promise<() => Promise<void>> {
  const url = process.env.BENCH_DATABASE_URL;
  const secret = process.env.BENCH_WEBHOOK_SECRET;
  if (!url || !secret) throw new Error('BENCH_DATABASE_URL and BENCH_WEBHOOK_SECRET are required');
  const { createDatabase, createLogger } = await import('@tsh/tds-core');
  const { pino } = await import('pino');
  const { serveTds } = await import('@tsh/tds-express');
  // The Express adapter's test double of the core (real webhook intake on PostgreSQL, nothing else running).
  const { createFakeCore } = await import('../../../packages/adapter-express/test/helpers/fake-core');
  const database = await createDatabase({ url, maxConnections: Number(process.env.BENCH_POOL_SIZE ?? 10) });
  // One log line per request, as in production (TDS's own logger, with its redaction), written to /dev/null.
  const logger = createLogger({ level: 'info', destination: pino.destination({ dest: '/dev/null', sync: false }) });
  const { core } = createFakeCore(database.db, logger, secret);
  const tds = await serveTds(core, { webhookSecret: secret, adminToken: 'bench-admin-token', port: 0 });
  process.stdout.write(`READY ${new URL(tds.url).port}\n`);
  return async () => {
    await tds.close({ closeCore: false });
    await database.close();
  };
}

async function serveBare(): Promise<() => Promise<void>> {
  const bare = express();
  bare.post('/bare', express.json({ limit: '1mb' }), (req, res) => {
    res.status(202).json({ status: 'accepted', received: typeof req.body === 'object' });
  });
  const server = bare.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  process.stdout.write(`READY ${(server.address() as { port: number }).port}\n`);
  return () => new Promise((resolve) => server.close(() => resolve()));
}

/**
 * The bare endpoint made durable the plain way: each delivery one autocommit INSERT of its parsed
 * body (jsonb) through a pg pool of the TDS app's size, 202 once it returns; no signature, no
 * duplicate check, no queue, no log line. Its pool's backends carry application_name
 * `bench-durable`, so the benchmark reads their CPU as it reads the TDS pool's (`tds`).
 */
async function serveDurable(): Promise<() => Promise<void>> {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error('BENCH_DATABASE_URL is required');
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.BENCH_POOL_SIZE ?? 10), application_name: 'bench-durable' });
  await pool.query('CREATE TABLE IF NOT EXISTS bench_durable_inbox (id bigserial PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now(), payload jsonb NOT NULL)');
  const app = express();
  app.post('/durable', express.json({ limit: '1mb' }), async (req, res) => {
    try {
      await pool.query('INSERT INTO bench_durable_inbox (payload) VALUES ($1)', [JSON.stringify(req.body)]);
      res.status(202).json({ status: 'accepted' });
    } catch {
      res.status(503).json({ status: 'not stored' });
    }
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  process.stdout.write(`READY ${(server.address() as { port: number }).port}\n`);
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await pool.end();
  };
}
