import { TransportError, type FetchLike, type HttpRequest } from './transport';

/** An answer whose body is read piece by piece, as it arrives. */
export interface HttpStreamResponse {
  status: number;
  headers: Headers;
  /**
   * The body's bytes in network order. Each wait for the next piece is bounded by the request's
   * `timeoutMs` (an idle timeout: the time the consumer spends between pieces is not counted).
   * Throws TransportError ('timeout', 'network', 'aborted') when the body cannot be read to its end.
   */
  body: AsyncIterable<Uint8Array>;
  /** Stops reading and releases the connection (a body left unread). */
  cancel(): void;
}

export type HttpStreamSend = (request: HttpRequest) => Promise<HttpStreamResponse>;

function withQuery(url: string, query: Record<string, string> | undefined): string {
  if (!query || Object.keys(query).length === 0) return url;
  const target = new URL(url);
  for (const [key, value] of Object.entries(query)) target.searchParams.set(key, value);
  return target.toString();
}

function networkError(error: unknown): TransportError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.name : 'unknown');
  return new TransportError('network', `network error (${detail})`);
}

/**
 * A GET whose answer is handed over as a byte stream instead of one text, for documents too big to
 * hold twice (a price book's detail). `timeoutMs` bounds the wait for the status line and headers,
 * then each wait for the next piece of the body; the caller's signal cancels either.
 */
export function createHttpStreamSend(fetchImpl?: FetchLike): HttpStreamSend {
  return async ({ method, url, query, headers, timeoutMs, signal }) => {
    signal?.throwIfAborted();
    const controller = new AbortController();
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
    };
    const disarm = () => clearTimeout(timer);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const release = () => {
      disarm();
      signal?.removeEventListener('abort', onAbort);
    };
    const failure = (error: unknown): TransportError => {
      if (signal?.aborted) return new TransportError('aborted', 'the request was aborted by the caller', signal.reason);
      if (timedOut) return new TransportError('timeout', `no data within ${timeoutMs} ms`);
      return networkError(error);
    };

    let response: Response;
    arm();
    try {
      // Resolved per call so a fetch patched later (msw in tests) is still used.
      response = await (fetchImpl ?? globalThis.fetch)(withQuery(url, query), { method, headers, signal: controller.signal });
    } catch (error) {
      release();
      throw failure(error);
    }
    disarm();

    const stream = response.body;
    async function* body(): AsyncGenerator<Uint8Array, void, undefined> {
      if (!stream) return release();
      const reader = stream.getReader();
      try {
        for (;;) {
          arm();
          let next: Awaited<ReturnType<typeof reader.read>>;
          try {
            next = await reader.read();
          } catch (error) {
            throw failure(error);
          } finally {
            disarm();
          }
          if (next.done) return;
          yield next.value;
        }
      } finally {
        release();
        // A body left half-read (a consumer that stopped, an error) gives its connection back.
        reader.cancel().catch(() => undefined);
      }
    }

    return {
      status: response.status,
      headers: response.headers,
      body: body(),
      cancel() {
        release();
        stream?.cancel().catch(() => undefined);
      },
    };
  };
}
