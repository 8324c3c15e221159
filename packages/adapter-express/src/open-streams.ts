import type { RequestHandler, Response } from 'express';

const LOCALS_KEY = 'tdsOpenStreams';

/** The event streams one TDS router has open, so that closing the router can end them at once. */
export interface OpenStreams {
  readonly closing: boolean;
  /** Tracks a stream's close function; returns the function that stops tracking it. */
  add(close: () => void): () => void;
  /** Ends every open stream now, and every stream opened from now on as soon as it opens. */
  closeAll(): void;
}

export function createOpenStreams(): OpenStreams {
  const open = new Set<() => void>();
  let closing = false;
  return {
    get closing() {
      return closing;
    },
    add(close) {
      open.add(close);
      return () => open.delete(close);
    },
    closeAll() {
      closing = true;
      for (const close of [...open]) close();
      open.clear();
    },
  };
}

/** Makes the router's registry reachable from the routes below it (res.locals is per request). */
export function trackOpenStreams(streams: OpenStreams): RequestHandler {
  return (_req, res, next) => {
    res.locals[LOCALS_KEY] = streams;
    next();
  };
}

export function openStreamsOf(res: Response): OpenStreams | undefined {
  return res.locals?.[LOCALS_KEY] as OpenStreams | undefined;
}
