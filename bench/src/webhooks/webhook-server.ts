// The server side of the webhook benchmark, in a process of its own so the load generator does not
// share its event loop: `tds` runs the real TDS app (real ingestWebhook on PostgreSQL), `bare` a bare
// Express JSON endpoint. Each in its own process, so a CPU profile or the CPU time read from /proc
// is that of one of them alone. Prints "READY <port>" when listening.
import express from 'express';

const role = process.argv[2];
if (role !== 'tds' && role !== 'bare') throw new Error('usage: webhook-server.ts tds|bare');

const close = role === 'tds' ? await serveTdsApp() : await serveBare();
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
