// The embedded server and the folder-permission fix are internals of the core (unstable subpath).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDatabase, makeTraversable, migrate, startEmbeddedPostgres, type EmbeddedPostgresHandle, type TdsDatabase } from '@tsh/tds-core/internal';

export interface TestDatabase extends TdsDatabase {
  /** The database created for this test file (dropped by close()). */
  name: string;
}

// Names carry their creation time so that databases left behind by a killed test run can be dropped later.
const PREFIX = 'tds_t_';
const STALE_AFTER_SECONDS = 6 * 3600;

interface Server {
  adminUrl: string;
  release(): Promise<void>;
}

// Without DATABASE_URL: one throwaway embedded PostgreSQL per test process, shared by its test
// databases and stopped (data deleted) when the last of them closes.
let embedded: { handle: Promise<{ server: EmbeddedPostgresHandle; base: string }>; users: number } | undefined;

async function acquireServer(): Promise<Server> {
  const url = process.env.DATABASE_URL;
  if (url) return { adminUrl: url, release: async () => {} };
  if (!embedded) {
    const handle = (async () => {
      const base = await mkdtemp(join(tmpdir(), 'tds-test-pg-'));
      await makeTraversable(base);
      const server = await startEmbeddedPostgres({
        dataDir: join(base, 'data'),
        persistent: false,
        postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
      });
      return { server, base };
    })();
    embedded = { handle, users: 0 };
  }
  const current = embedded;
  current.users++;
  let started: { server: EmbeddedPostgresHandle; base: string };
  try {
    started = await current.handle;
  } catch (error) {
    current.users--;
    if (embedded === current) embedded = undefined;
    throw error;
  }
  return {
    adminUrl: started.server.url,
    release: async () => {
      if (--current.users > 0) return;
      if (embedded === current) embedded = undefined;
      await started.server.stop();
      await rm(started.base, { recursive: true, force: true });
    },
  };
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => {});
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function dropStaleDatabases(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${PREFIX}%`]);
  const now = Math.floor(Date.now() / 1000);
  for (const { datname } of rows) {
    const created = Number(datname.slice(PREFIX.length).split('_')[0]);
    if (Number.isInteger(created) && now - created > STALE_AFTER_SECONDS) {
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`).catch(() => {});
    }
  }
}

async function createEmptyDatabase(client: pg.Client, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      return;
    } catch (error) {
      // Parallel CREATE DATABASE calls can briefly collide on template1 ("being accessed by other users").
      if ((error as { code?: string }).code !== '55006' || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt + Math.random() * 200));
    }
  }
}

/**
 * A fresh, migrated database of its own for a test file: CREATE DATABASE tds_t_<time>_<random>
 * on the DATABASE_URL server, or on a throwaway embedded PostgreSQL when DATABASE_URL is unset.
 * close() drops it. Safe for test files running in parallel.
 */
export async function createTestDatabase(options: { migrate?: boolean; maxConnections?: number } = {}): Promise<TestDatabase> {
  const server = await acquireServer();
  const name = `${PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(5).toString('hex')}`;
  try {
    await admin(server.adminUrl, async (client) => {
      await dropStaleDatabases(client);
      await createEmptyDatabase(client, name);
    });
  } catch (error) {
    await server.release();
    throw error;
  }
  const database = await createDatabase({ url: withDatabase(server.adminUrl, name), maxConnections: options.maxConnections ?? 20 });
  if (options.migrate ?? true) await migrate(database.db);
  return {
    ...database,
    name,
    async close() {
      await database.close();
      try {
        await admin(server.adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`));
      } finally {
        await server.release();
      }
    },
  };
}
