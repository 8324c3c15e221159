import type { Server } from 'node:http';
import type { Request, Response } from 'express';
import { openStreamsOf } from '../open-streams';

export interface EventStream {
  /** One Server-Sent Event; `data` is sent as one line of JSON. */
  send(event: string, data: unknown): void;
  /** True once the client left, the server is closing, or close() was called. */
  readonly closed: boolean;
  close(): void;
  onClose(listener: () => void): void;
}

/**
 * Turns a response into a text/event-stream. An event stream never finishes on its own, so it
 * ends itself once its server stops listening (a graceful close would otherwise wait for it).
 */
export function openEventStream(req: Request, res: Response, options: { retryMs: number; checkEveryMs: number }): EventStream {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  req.socket.setTimeout(0);
  res.write(`retry: ${options.retryMs}\n\n`);

  const server = (req.socket as { server?: Server }).server;
  const listeners: Array<() => void> = [];
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(watch);
    for (const listener of listeners.splice(0)) listener();
    if (!res.writableEnded) res.end();
  };
  // A comment line every check keeps proxies from timing the stream out and notices a closing server.
  const watch = setInterval(() => {
    if (server && !server.listening) close();
    else if (!res.writableEnded) res.write(': keep-alive\n\n');
  }, options.checkEveryMs);
  watch.unref();
  res.on('close', close);
  // A mounted router's close() ends its streams at once, so the host's server.close() need not wait for a check.
  const streams = openStreamsOf(res);
  if (streams?.closing) close();
  else if (streams) listeners.push(streams.add(close));

  return {
    send(event, data) {
      if (closed) return;
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    get closed() {
      return closed;
    },
    close,
    onClose(listener) {
      if (closed) listener();
      else listeners.push(listener);
    },
  };
}
