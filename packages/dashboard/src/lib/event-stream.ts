import { apiErrorOf } from './api-error';
import { createSseParser, type ServerSentEvent } from './sse-parser';

/**
 * Reads a Server-Sent Events stream with fetch, so the admin token travels in the Authorization
 * header (EventSource can only put it in the URL). Resolves when the server ends the stream,
 * rejects with ApiError when it refuses to open one, and stops quietly when `signal` aborts.
 */
export async function readEventStream(
  fetchFn: typeof fetch,
  url: string,
  headers: Record<string, string>,
  onEvent: (event: ServerSentEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  let res: Response;
  try {
    res = await fetchFn(url, { headers: { ...headers, Accept: 'text/event-stream' }, signal, cache: 'no-store' });
  } catch (error) {
    if (signal.aborted) return;
    throw error;
  }
  if (!res.ok) throw await apiErrorOf(res);
  if (!res.body) return;
  const parser = createSseParser(onEvent);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.push(decoder.decode(value, { stream: true }));
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    reader.releaseLock();
  }
}
