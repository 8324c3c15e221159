import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TdsCore } from '@tsh/tds-core';
import { createTdsApp } from './create-tds-app';
import type { TdsExpressOptions } from './options';

export interface TdsServer {
  server: Server;
  /** http://host:port of the listening server. */
  url: string;
  /**
   * Graceful stop: no new connections, in-flight requests finish (so every 2xx already sent was
   * stored), idle keep-alive connections close, then the core stops (workers, healer, pool).
   */
  close(options?: { closeCore?: boolean }): Promise<void>;
}

/** createTdsApp listening on host:port (default 127.0.0.1:3000; port 0 picks a free one). */
export async function serveTds(core: TdsCore, options: TdsExpressOptions & { port?: number; host?: string }): Promise<TdsServer> {
  const app = createTdsApp(core, options);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port ?? 3000, options.host ?? '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    server,
    url: `http://${host}:${address.port}`,
    close({ closeCore = true } = {}) {
      closing ??= (async () => {
        await new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeIdleConnections();
        });
        if (closeCore) await core.close();
      })();
      return closing;
    },
  };
}
