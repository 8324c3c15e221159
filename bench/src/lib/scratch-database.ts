import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server every benchmark uses: DATABASE_URL, else the local PostgreSQL with trust auth. */
export const serverUrl = () => process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl() });
  client.on('error', () => {});
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * An empty database of its own on the benchmark server (`tds_bench_<label>_<time>_<random>`),
 * so that each system measured starts from the same clean slate. drop() removes it.
 */
export async function createScratchDatabase(label: string): Promise<ScratchDatabase> {
  const name = `tds_bench_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${Math.floor(Date.now() / 1000)}_${randomBytes(3).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  return {
    name,
    url: withDatabase(serverUrl(), name),
    drop: () =>
      admin(async (client) => {
        // Let pools that are still closing go first: FORCE on a live pool would crash its owner.
        for (let waited = 0; waited < 10_000; waited += 100) {
          const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1`, [name]);
          if (rows[0]!.n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      }),
  };
}

/** `PostgreSQL 15.20` of the benchmark server. */
export async function serverVersion(): Promise<string> {
  return admin(async (client) => {
    const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    return `PostgreSQL ${rows[0]!.v.split(' ')[0]}`;
  });
}
