export interface SseEvent {
  event: string;
  data: unknown;
}

/** Reads a text/event-stream answer with fetch (headers allowed, unlike EventSource). */
export async function openSse(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const events: SseEvent[] = [];
  const waiters: Array<() => void> = [];
  let ended = false;
  const done = (async () => {
    if (!res.body || !res.ok) return;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done: finished } = await reader.read();
        if (finished) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) events.push({ event, data: JSON.parse(data.join('\n')) });
          for (const wake of waiters.splice(0)) wake();
        }
      }
    } catch {
      // aborted by the test
    } finally {
      ended = true;
      for (const wake of waiters.splice(0)) wake();
    }
  })();
  return {
    res,
    events,
    get ended() {
      return ended;
    },
    /** Resolves once `count` events of that name arrived (rejects when the stream ends first or after timeoutMs). */
    async next(event: string, count = 1, timeoutMs = 15_000): Promise<SseEvent[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.filter((e) => e.event === event);
        if (found.length >= count) return found;
        if (ended) throw new Error(`stream ended with ${found.length} of ${count} ${event} events`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} ${event} events`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    ended$: done,
    close() {
      controller.abort();
      return done;
    },
  };
}
