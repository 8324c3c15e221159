// The server side of the sync-delay row, in a process of its own: one TDS core (createTdsCore)
// with its 2 workers and the Express adapter (serveTds), as `tds serve` runs them. Logs at info,
// as in production, written to /dev/null. Prints "READY <port>" once listening; SIGTERM stops it.
import { createWriteStream } from 'node:fs';
import { createLogger, createTdsCore, loadConfig } from '@tsh/tds-core';
import { serveTds } from '@tsh/tds-express';

const config = loadConfig({
  DATABASE_URL: process.env.BENCH_DATABASE_URL,
  // Workers write Zoho data, so the database is bound to an organization first (docs/organization-binding.md).
  ZOHO_ORGANIZATION_ID: '60012345678',
  ZOHO_WEBHOOK_SECRET: process.env.BENCH_WEBHOOK_SECRET,
  TDS_ADMIN_TOKEN: 'bench-admin-token-not-used',
  TDS_WORKERS: '2',
});
const logger = createLogger({ level: 'info', destination: createWriteStream('/dev/null') });
const core = await createTdsCore({ config, logger, migrate: false });
const server = await serveTds(core, { webhookSecret: config.ZOHO_WEBHOOK_SECRET!, adminToken: config.TDS_ADMIN_TOKEN!, port: 0 });
await core.start({ workers: true, healer: false, scheduler: false });
process.stdout.write(`READY ${new URL(server.url).port}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
