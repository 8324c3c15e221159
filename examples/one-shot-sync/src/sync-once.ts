// One sync of every entity and an exit code: the shape of a cron job or a CI step in another
// TSH service. Incremental from the saved cursor; `--full` re-reads everything and reconciles
// deletions. Configuration is the environment of the README (DATABASE_URL, ZOHO_*).
import { ConfigError, createTdsCore, loadConfig } from '@tsh/tds-core';

async function main(): Promise<number> {
  const full = process.argv.includes('--full');
  const config = loadConfig(process.env, { zoho: true });
  const core = await createTdsCore({
    config,
    // Without DATABASE_URL: an embedded PostgreSQL under TDS_DATA_DIR, asked for explicitly.
    database: config.DATABASE_URL ? undefined : { embedded: true },
  });
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  try {
    const results = await core.sync.run('all', { mode: full ? 'full' : 'incremental', signal: stop.signal });
    for (const r of results) {
      // A skipped entity (a sync of it was already running elsewhere) has no counts, only its reason.
      const counts = 'counts' in r ? `fetched ${r.counts.fetched}, inserted ${r.counts.inserted}, updated ${r.counts.updated}, deleted ${r.counts.deleted}` : '';
      console.log(`${r.entity.padEnd(10)} ${r.status.padEnd(9)} ${counts}${r.error ? ` (${r.error})` : ''}`);
    }
    return results.every((r) => r.status === 'succeeded') ? 0 : 1;
  } finally {
    await core.close(); // releases what it holds and closes the pool
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    // ConfigError names the variables, never their values.
    process.stderr.write(`sync-once: ${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof ConfigError ? 2 : 1;
  },
);
