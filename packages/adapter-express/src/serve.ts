import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TdsCore } from '@tsh/tds-core';
import { answerClientErrorsWithJson } from './client-error';
import { createTdsApp } from './create-tds-app';
import type { TdsExpressOptions } from './options';

export interface TdsServer {
  server: Server;
  /** http://host:port of the listening server. */
  url: string;
  /**
   * Graceful stop: no new connections, in-flight requests finish (so every 2xx already sent was
   * stored), keep-alive connections close as they fall idle, then the core stops (workers,
   * healer, pool) unless `closeCore: false`.
   */
  close(options?: { closeCore?: boolean }): Promise<void>;
}

/**
 * How long a client may take to send a whole request (headers and body) before it is answered 408
 * and its connection closed. Node's own default is 5 minutes, so a client that announces a body and
 * sends it slowly, or never, holds a connection that long; Zoho gives up on a webhook far sooner,
 * and the largest body TDS takes (a price book, 64 MB) arrives well within this at 1 MB/s.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

export interface ServeTdsOptions extends TdsExpressOptions {
  port?: number;
  host?: string;
  /** See DEFAULT_REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
}

/** createTdsApp listening on host:port (default 127.0.0.1:3000; port 0 picks a free one). */
export async function serveTds(core: TdsCore, options: ServeTdsOptions): Promise<TdsServer> {
  const app = createTdsApp(core, options);
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isInteger(requestTimeout) || requestTimeout < 1) throw new TypeError(`requestTimeoutMs must be a whole number of milliseconds ≥ 1, got ${String(requestTimeout)}`);
  const server = createServer(
    // Node checks for expired requests every connectionsCheckingInterval (30 s by default).
    { requestTimeout, headersTimeout: Math.min(60_000, requestTimeout), connectionsCheckingInterval: Math.min(5_000, requestTimeout) },
    app,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  answerClientErrorsWithJson(server);
  const active = new Set<ServerResponse>();
  let closing: Promise<void> | undefined;
  server.on('request', (_req, res: ServerResponse) => {
    active.add(res);
    res.on('close', () => active.delete(res));
    // Keep-alive connections whose last request just finished must not hold the close open.
    res.on('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}`,
    close({ closeCore = true } = {}) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
        for (const res of active) if (!res.headersSent) res.setHeader('Connection', 'close');
        server.closeIdleConnections();
        await closed;
        if (closeCore) await core.close();
      })();
      return closing;
    },
  };
}
