import type { Router } from 'express';

type Handler = (...args: unknown[]) => unknown;
interface Layer {
  handle: Handler & { stack?: Layer[] };
  route?: { stack: Layer[] };
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/**
 * Express 5 passes a rejected async handler to the error handlers; Express 4 ignores the promise,
 * so the request would hang and the rejection go unhandled. With express a peer dependency the
 * host's version runs our routes: every handler is wrapped to forward its rejection to `next`
 * itself (returning nothing, so Express 5 does not forward it a second time). The wrapper keeps
 * the handler's arity, by which both versions tell error handlers (four parameters) apart.
 */
export function forwardAsyncErrors(router: Router): void {
  wrapStack((router as unknown as { stack: Layer[] }).stack);
}

function wrapStack(stack: Layer[]): void {
  for (const layer of stack) {
    if (layer.route) wrapStack(layer.route.stack);
    else if (Array.isArray(layer.handle.stack)) wrapStack(layer.handle.stack);
    else layer.handle = forwarding(layer.handle);
  }
}

function forwarding(fn: Handler): Handler {
  if (fn.length === 4) {
    return function errorHandler(error: unknown, req: unknown, res: unknown, next: unknown) {
      settle(fn(error, req, res, next), next as (error: unknown) => void);
    } as Handler;
  }
  return function handler(req: unknown, res: unknown, next: unknown) {
    settle(fn(req, res, next), next as (error: unknown) => void);
  } as Handler;
}

function settle(result: unknown, next: (error: unknown) => void): void {
  if (isThenable(result)) result.then(undefined, (error: unknown) => next(error ?? new Error('a route handler rejected without a reason')));
}
