import net from 'node:net';

export interface TcpProxy {
  /** postgres:// URL of `targetUrl` rewritten to go through the proxy. */
  url: string;
  port: number;
  /**
   * Stops forwarding in both directions without closing anything, as a frozen server or a
   * silent network does: bytes are held, new connections are accepted but go nowhere.
   */
  blackhole(): void;
  /** Forwards again, held bytes first. */
  restore(): void;
  /** Holds every chunk this long before forwarding it (a slow database). */
  setDelay(ms: number): void;
  /** Connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

interface Pipe {
  held: Array<() => void>;
}

/** A TCP proxy on 127.0.0.1 in front of a real PostgreSQL, for faults produced for real. */
export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port || 5432);
  const targetHost = target.hostname === 'localhost' ? '127.0.0.1' : target.hostname;
  let blackholed = false;
  let delayMs = 0;
  let accepted = 0;
  const pipes = new Set<Pipe>();
  const sockets = new Set<net.Socket>();

  const forward = (pipe: Pipe, send: () => void) => {
    const go = () => (delayMs > 0 ? setTimeout(send, delayMs) : send());
    if (blackholed) pipe.held.push(go);
    else go();
  };

  const server = net.createServer((downstream) => {
    accepted++;
    const pipe: Pipe = { held: [] };
    pipes.add(pipe);
    const upstream = net.connect(targetPort, targetHost);
    for (const socket of [downstream, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        downstream.destroy();
        upstream.destroy();
        pipes.delete(pipe);
      });
    }
    downstream.on('data', (chunk) => forward(pipe, () => upstream.writable && upstream.write(chunk)));
    upstream.on('data', (chunk) => forward(pipe, () => downstream.writable && downstream.write(chunk)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  return {
    url: url.toString(),
    port,
    blackhole() {
      blackholed = true;
    },
    restore() {
      blackholed = false;
      for (const pipe of pipes) for (const send of pipe.held.splice(0)) send();
    },
    setDelay(ms) {
      delayMs = ms;
    },
    accepted: () => accepted,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
