// TDS as one long-running process: webhook receiver + admin/health API (Express), queue workers,
// healer and scheduled syncs, all on one TdsCore. Configuration comes from the environment
// (docs/architecture.md, "Configuration"); without ZOHO_WEBHOOK_SECRET or TDS_ADMIN_TOKEN it refuses to start.
import { ConfigError, createTdsCore, loadConfig } from '@tsh/tds-core';
import { serveTds, TdsExpressConfigError } from '@tsh/tds-express';

async function main(): Promise<void> {
  const config = loadConfig(process.env, { zoho: true, webhookSecret: true, adminToken: true });
  const core = await createTdsCore({
    config,
    // Without DATABASE_URL: an embedded PostgreSQL under TDS_DATA_DIR, asked for explicitly.
    database: config.DATABASE_URL ? undefined : { embedded: true },
  });
  let server;
  try {
    server = await serveTds(core, {
      dashboard: true,
      webhookSecret: config.ZOHO_WEBHOOK_SECRET!,
      adminToken: config.TDS_ADMIN_TOKEN!,
      port: config.PORT,
      host: process.env.HOST ?? '127.0.0.1',
    });
    await core.start({ workers: true, healer: true, scheduler: true });
  } catch (error) {
    await server?.close({ closeCore: false });
    await core.close();
    throw error;
  }
  core.logger.info({ url: server.url }, 'TDS server listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    core.logger.info({ signal }, 'stopping: finishing in-flight requests, then workers, then the database');
    // Stop accepting, let every in-flight request finish (so each 2xx sent is stored), then close the core.
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  // Configuration errors name the variables, never their values; anything else is a plain message.
  const known = error instanceof ConfigError || error instanceof TdsExpressConfigError;
  process.stderr.write(`tds server: ${known ? (error as Error).message : error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
