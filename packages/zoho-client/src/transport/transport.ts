import { createFetch } from 'ofetch';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface HttpRequest {
  method: string;
  url: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** A plain object is sent as JSON; URLSearchParams as a form. */
  body?: unknown;
  timeoutMs: number;
  /** The caller's signal: aborting it cancels the request (TransportError kind 'aborted'). */
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Raised by the transport when no HTTP response arrived; the request core turns it into a typed error. */
export class TransportError extends Error {
  readonly kind: 'timeout' | 'network' | 'aborted';
  constructor(kind: 'timeout' | 'network' | 'aborted', message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'TransportError';
    this.kind = kind;
  }
}

export type HttpSend = (request: HttpRequest) => Promise<HttpResponse>;

/**
 * One HTTP exchange through ofetch with its own retry turned off: retry, auth and throttling are
 * the request core's job. The body is read as text so HTML from a proxy can be recognised.
 */
export function createHttpSend(fetchImpl?: FetchLike): HttpSend {
  // Resolved per call so a fetch patched later (msw in tests) is still used.
  const $fetch = createFetch({ fetch: (input, init) => (fetchImpl ?? globalThis.fetch)(input, init) });
  return async ({ method, url, query, headers, body, timeoutMs, signal }) => {
    signal?.throwIfAborted();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    // The caller's abort cancels the socket too, not only our wait for it.
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await $fetch.raw<string, 'text'>(url, {
        method: method as 'GET',
        query,
        headers,
        body: body as RequestInit["body"] | Record<string, unknown> | undefined,
        responseType: 'text',
        retry: false,
        ignoreResponseError: true,
        signal: controller.signal,
      });
      return { status: response.status, headers: response.headers, text: response._data ?? '' };
    } catch (error) {
      if (signal?.aborted) throw new TransportError('aborted', 'the request was aborted by the caller', signal.reason);
      if (controller.signal.aborted) throw new TransportError('timeout', `no response within ${timeoutMs} ms`);
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.name : 'unknown');
      throw new TransportError('network', `network error (${detail})`);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  };
}
