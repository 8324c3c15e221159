import type pg from 'pg';
import type { LoggerLike } from '../db/logger-like';

export interface QueueListener {
  start(): void;
  stop(): Promise<void>;
  status(): { connected: boolean; reconnects: number; backendPid: number | null };
}

/**
 * Holds one pooled connection that LISTENs on the queue channel. When the connection drops (server
 * restart, pg_terminate_backend, network), it reconnects with backoff and then calls onNotify once,
 * since notifications sent while it was away are lost.
 */
export function createQueueListener(options: {
  pool: pg.Pool;
  channel: string;
  onNotify: () => void;
  logger: LoggerLike;
}): QueueListener {
  const { pool, channel, onNotify, logger } = options;
  let client: pg.PoolClient | undefined;
  let detach: (() => void) | undefined;
  let backendPid: number | null = null;
  let stopped = true;
  let everConnected = false;
  let reconnects = 0;
  let delayMs = 250;
  let timer: NodeJS.Timeout | undefined;

  const schedule = () => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(connect, delayMs);
    delayMs = Math.min(delayMs * 2, 5000);
  };

  async function connect(): Promise<void> {
    if (stopped || client) return;
    let candidate: pg.PoolClient | undefined;
    let dropped = false;
    const drop = (error?: Error) => {
      if (dropped) return;
      dropped = true;
      if (client === candidate) {
        client = undefined;
        backendPid = null;
      }
      candidate?.removeListener('notification', onMessage);
      // Releasing with an error destroys the connection instead of returning it to the pool.
      candidate?.release(error ?? new Error('listener connection ended'));
      if (!stopped) {
        logger.warn({ err: error?.message, channel }, 'queue listener connection lost; reconnecting');
        schedule();
      }
    };
    const onMessage = (message: pg.Notification) => {
      if (message.channel === channel) onNotify();
    };
    const onEnd = () => drop();
    try {
      candidate = await pool.connect();
      candidate.on('error', drop);
      candidate.on('end', onEnd);
      candidate.on('notification', onMessage);
      await candidate.query(`LISTEN ${escapeIdentifier(channel)}`);
      const { rows } = await candidate.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      if (stopped || dropped) {
        if (!dropped) {
          dropped = true;
          candidate.removeListener('notification', onMessage);
          candidate.release(new Error('listener stopped'));
        }
        return;
      }
      client = candidate;
      const connected = candidate;
      detach = () => {
        dropped = true;
        connected.removeListener('notification', onMessage);
        connected.removeListener('end', onEnd);
        connected.removeListener('error', drop);
      };
      backendPid = rows[0].pid;
      delayMs = 250;
      if (everConnected) {
        reconnects++;
        logger.info({ channel, reconnects }, 'queue listener reconnected');
        onNotify();
      }
      everConnected = true;
    } catch (error) {
      if (candidate) drop(error as Error);
      else {
        logger.warn({ err: (error as Error).message, channel }, 'queue listener cannot connect; retrying');
        schedule();
      }
    }
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      void connect();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      const current = client;
      client = undefined;
      backendPid = null;
      if (current) {
        detach?.();
        // An error while our listener is detached must not crash the process.
        const ignore = () => {};
        current.on('error', ignore);
        const failure = await current.query(`UNLISTEN ${escapeIdentifier(channel)}`).then(() => undefined, (error: Error) => error);
        current.removeListener('error', ignore);
        current.release(failure);
      }
    },
    status: () => ({ connected: client !== undefined, reconnects, backendPid }),
  };
}

function escapeIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
