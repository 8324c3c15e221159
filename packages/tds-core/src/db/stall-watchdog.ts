import pg from 'pg';
import type { LoggerLike } from './logger-like';

/** Error of a query whose connection was cut because the server stopped answering. */
export const DATABASE_STALLED_MESSAGE = 'the database stopped answering (no reply within the stall timeout, liveness probe failed); connection closed';

/**
 * A pg Client that remembers since when it has been waiting for the server (promise-style
 * queries, which is how Kysely, the queue listener and the lock helpers call it).
 */
export class WatchedClient extends pg.Client {
  /** Start times of this client's queries still waiting for their answer. */
  readonly waitingSince = new Set<number>();

  /** The backend's pid, known once connected (pg sets it; its typings omit it). */
  get backendPid(): number | null {
    const pid = (this as unknown as { processID?: unknown }).processID;
    return typeof pid === 'number' ? pid : null;
  }

  // pg's query() has many overloads; only the promise form (no callback, no Submittable) is tracked.
  override query(...args: any[]): any {
    const result = (super.query as (...a: any[]) => any)(...args);
    if (result && typeof result.then === 'function') {
      const started = Date.now() + Math.random() / 1000; // distinct keys for queries started in one millisecond
      this.waitingSince.add(started);
      result.then(
        () => this.waitingSince.delete(started),
        () => this.waitingSince.delete(started),
      );
    }
    return result;
  }

  /** Ends the connection now: its waiting queries fail, and the pool discards it on release. */
  cut(): void {
    const stream = (this as unknown as { connection?: { stream?: { destroy(error?: Error): void } } }).connection?.stream;
    stream?.destroy(new Error(DATABASE_STALLED_MESSAGE));
  }
}

export interface StallWatchdogOptions {
  /** Where the probe connects (the pool's own URL). */
  url: string;
  /** A query waiting this long makes the watchdog check that the server still answers. */
  stallAfterMs: number;
  /** The probe's connection and query limit. */
  probeTimeoutMs: number;
  logger: LoggerLike;
}

export interface StallWatchdog {
  track(client: WatchedClient): void;
  /** One check now (the timer calls it too); resolves when its probe, if any, is over. */
  check(): Promise<void>;
  stop(): void;
}

// An answer carrying a SQLSTATE came from a live server (even "too many clients"): it is not a stall.
const fromLiveServer = (error: unknown) => typeof (error as { code?: unknown })?.code === 'string' && /^[0-9A-Z]{5}$/.test((error as { code: string }).code);

/**
 * Finds connections that wait for a server that no longer answers. A statement may legitimately
 * run long (a migration, a lock wait), so waiting alone is no proof: a query older than
 * stallAfterMs triggers one probe on a fresh connection. When the server cannot be reached, or
 * the waiting connection's backend no longer exists, the connection is cut and its query fails
 * at once instead of hanging for ever (a frozen server keeps TCP alive, so keep-alive never
 * notices). When the backend is alive and busy, nothing happens. See docs/hardening.md.
 */
export function createStallWatchdog(options: StallWatchdogOptions): StallWatchdog {
  const clients = new Set<WatchedClient>();
  let probing: Promise<void> | undefined;

  async function probe(suspects: WatchedClient[]): Promise<void> {
    const probeClient = new pg.Client({
      connectionString: options.url,
      connectionTimeoutMillis: options.probeTimeoutMs,
      query_timeout: options.probeTimeoutMs,
      application_name: 'tds-liveness-probe',
    });
    probeClient.on('error', () => {});
    let alivePids: Set<number> | null = null;
    try {
      await probeClient.connect();
      const pids = suspects.map((c) => c.backendPid).filter((pid): pid is number => pid !== null);
      const { rows } = await probeClient.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE pid = ANY($1::int[])', [pids]);
      alivePids = new Set(rows.map((r) => r.pid));
    } catch (error) {
      if (fromLiveServer(error)) return;
    } finally {
      void probeClient.end().catch(() => {});
    }
    const dead = suspects.filter((c) => alivePids === null || c.backendPid === null || !alivePids.has(c.backendPid));
    if (dead.length > 0) {
      options.logger.warn({ connections: dead.length, reachable: alivePids !== null }, 'database stopped answering: closing waiting connections');
      for (const client of dead) client.cut();
    }
  }

  function check(): Promise<void> {
    if (probing) return probing;
    const now = Date.now();
    const suspects = [...clients].filter((c) => [...c.waitingSince].some((since) => now - since >= options.stallAfterMs));
    if (suspects.length === 0) return Promise.resolve();
    probing = probe(suspects).finally(() => (probing = undefined));
    return probing;
  }

  const timer = setInterval(() => void check(), Math.max(50, Math.floor(options.stallAfterMs / 4)));
  timer.unref();

  return {
    track(client) {
      clients.add(client);
      client.once('end', () => clients.delete(client));
    },
    check,
    stop() {
      clearInterval(timer);
      clients.clear();
    },
  };
}
