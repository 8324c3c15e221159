import type { Server, ServerResponse } from 'node:http';
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

/** createTdsApp listening on host:port (default 127.0.0.1:3000; port 0 picks a free one). */
export async function serveTds(core: TdsCore, options: TdsExpressOptions & { port?: number; host?: string }): Promise<TdsServer> {
  const app = createTdsApp(core, options);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port ?? 3000, options.host ?? '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
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
