import pg from 'pg';

/**
 * Who may stop a shared embedded PostgreSQL (docs/hardening.md, "The embedded database").
 *
 * Every TDS process using the server — the one that started it and every one that attached —
 * holds a shared advisory lock on a connection of its own for as long as it uses it. Stopping
 * asks for the same key exclusively: granted only when no other process holds it, so the last
 * user stops the server and everyone else leaves it running. The stopper keeps the exclusive
 * lock until the server is gone, so a process attaching meanwhile cannot take its shared lock
 * (it waits for the server to go and starts a new one) instead of landing on a dying server.
 * A process that dies loses its lock with its connection: nothing stale is left behind.
 */
const LIFETIME_KEY = 7_342_001; // any constant: the embedded cluster is TDS's alone

async function lockConnection(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000, application_name: 'tds embedded lifetime' });
  // Its backend ends when the server stops (ours or another's stop): expected, nothing to report.
  client.on('error', () => {});
  await client.connect();
  return client;
}

export interface LifetimeLock {
  /**
   * Gives up our use. Resolves true when we were the last user and now hold the exclusive lock
   * (the caller stops the server, then calls `release`); false when others still use it.
   */
  leave(): Promise<boolean>;
  /** Drops the connection (after the server stopped, or when it is left running). */
  release(): Promise<void>;
}

/** Takes a shared hold on the server at `url`; null when its last user is stopping it right now. */
export async function holdEmbeddedServer(url: string): Promise<LifetimeLock | null> {
  const client = await lockConnection(url);
  const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock_shared($1) AS ok', [LIFETIME_KEY]);
  if (!rows[0]?.ok) {
    await client.end().catch(() => {});
    return null;
  }
  let ended = false;
  const release = async () => {
    if (ended) return;
    ended = true;
    await client.end().catch(() => {});
  };
  return {
    async leave() {
      await client.query('SELECT pg_advisory_unlock_shared($1)', [LIFETIME_KEY]);
      const { rows: taken } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LIFETIME_KEY]);
      return taken[0]?.ok === true;
    },
    release,
  };
}
