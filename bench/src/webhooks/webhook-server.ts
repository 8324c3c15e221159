// The server side of the webhook benchmark, in its own process so the load generator does not
// share its event loop: the real TDS app (real ingestWebhook on PostgreSQL) and a bare Express
// JSON endpoint, each on its own port. Prints "READY <tdsPort> <barePort>" when listening.
import { createDatabase } from '@tsh/tds-core';
import express from 'express';
import { pino } from 'pino';
import { serveTds } from '@tsh/tds-express';
// The Express adapter's test double of the core (real webhook intake on PostgreSQL, nothing else running).
import { createFakeCore } from '../../../packages/adapter-express/test/helpers/fake-core';

const url = process.env.BENCH_DATABASE_URL;
const secret = process.env.BENCH_WEBHOOK_SECRET;
if (!url || !secret) throw new Error('BENCH_DATABASE_URL and BENCH_WEBHOOK_SECRET are required');

const database = await createDatabase({ url, maxConnections: Number(process.env.BENCH_POOL_SIZE ?? 10) });
// One log line per request, as in production, written to /dev/null.
const logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
const { core } = createFakeCore(database.db, logger, secret);
const tds = await serveTds(core, { webhookSecret: secret, adminToken: 'bench-admin-token', port: 0 });

const bare = express();
bare.post('/bare', express.json({ limit: '1mb' }), (req, res) => {
  res.status(202).json({ status: 'accepted', received: typeof req.body === 'object' });
});
const bareServer = bare.listen(0, '127.0.0.1');
await new Promise((resolve) => bareServer.once('listening', resolve));
const barePort = (bareServer.address() as { port: number }).port;

process.stdout.write(`READY ${new URL(tds.url).port} ${barePort}\n`);
process.on('SIGTERM', async () => {
  bareServer.close();
  await tds.close({ closeCore: false });
  await database.close();
  process.exit(0);
});
