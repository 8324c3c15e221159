import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a test needs of an HTTP answer. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

/** fetch with the exact bytes given (supertest would re-serialise a Buffer sent as JSON). */
export async function httpSend(url: string, init: { method: string; headers?: Record<string, string>; body?: Buffer | string }): Promise<HttpAnswer> {
  const res = await fetch(url, { method: init.method, headers: init.headers, body: init.body });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** Serves an app (or router host) on 127.0.0.1 on a free port. */
export async function listenLocal(app: RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
